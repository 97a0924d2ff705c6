package typeset

// Texts of agencies' originals that the gazette sources do not supply:
// reports and requests to the government (上行文), attachment lists,
// 抄送 lists and 附注. Original, written for this package, with the
// placeholders of builtin_texts.go ({P}, {L}, {G}) and {Y} for the year.

// builtinReports are requests (请示) and reports (报告) a department sends
// up to the government: titles without the authority, and paragraphs.
var builtinReports = []builtinNotice{
	{"关于申请安排{Y}年农村公路养护补助资金的请示", []string{
		"{L}人民政府：",
		"{Y}年，全{L}农村公路养护里程持续增加，部分县（市、区）受汛期水毁影响，养护资金缺口较大。为保障农村公路安全畅通，经认真测算，现就申请安排农村公路养护补助资金有关事项请示如下：",
		"一、资金需求。全{L}列养农村公路中，需实施中修和水毁修复的路段共计一千二百余公里，按照现行补助标准测算，需安排补助资金三亿二千万元。",
		"二、资金来源。建议从{L}级交通专项资金中安排二亿元，其余部分由各设区的市、县人民政府按照事权划分统筹解决。",
		"三、使用管理。补助资金实行项目化管理，专款专用，我厅将会同{L}财政厅加强绩效评价和监督检查，确保资金使用效益。",
		"妥否，请批示。",
	}, nil},
	{"关于{Y}年度法治政府建设情况的报告", []string{
		"{L}人民政府：",
		"{Y}年，我厅深入贯彻落实法治政府建设实施纲要，坚持依法行政，各项工作取得新的进展。现将有关情况报告如下：",
		"一、健全依法决策机制。严格执行重大行政决策程序规定，全年提请{L}人民政府审议的规范性文件均经过公开征求意见、合法性审核和集体讨论决定。",
		"二、规范行政执法行为。全面推行行政执法公示、执法全过程记录和重大执法决定法制审核制度，完成执法人员轮训，执法案卷评查合格率达到百分之九十八。",
		"三、强化行政权力监督。自觉接受人大监督和政协民主监督，办理人大代表建议和政协委员提案全部按期办结，行政复议纠错率保持在合理区间。",
		"四、存在的问题和下一步打算。我厅法治建设仍存在基层执法力量不足、执法信息化水平不高等问题。下一步，我们将加强执法队伍建设，推进执法信息平台应用，不断提高依法行政水平。",
		"特此报告。",
	}, nil},
	{"关于提请审议《{P}城乡供水条例（草案）》的请示", []string{
		"{L}人民政府：",
		"为加强城乡供水管理，保障供水安全，我厅在深入调研、广泛征求意见的基础上，起草了《{P}城乡供水条例（草案）》，并经厅务会议讨论通过。现将有关情况说明如下：",
		"一、起草过程。我厅于去年启动起草工作，先后赴各设区的市开展调研，召开座谈会和专家论证会，两次征求{L}直有关部门和各设区的市人民政府意见，并在门户网站向社会公开征求意见。",
		"二、主要内容。草案共六章四十条，对供水规划与建设、水质管理、供水服务、设施保护和法律责任等作了规定。",
		"以上请示如无不妥，请提请{L}人民政府常务会议审议。",
	}, nil},
}

// builtinContactLists are second attachments: a list of names and
// telephone numbers set as flush lines.
var builtinContactLists = []string{
	"{P}{Y}年度工作联络员名单",
	"各设区的市工作联系人汇总表",
	"{P}有关部门职责分工表",
}

// builtinCCs are 抄送 lists, by the level of the issuer.
var builtinCCs = [][]string{
	{"{L}委各部门", "{L}人大常委会办公厅", "{L}政协办公厅", "{L}法院", "{L}检察院"},
	{"{L}委办公厅", "{L}人大常委会办公厅", "{L}政协办公厅", "{L}纪委监委", "{L}法院", "{L}检察院", "{L}军区"},
	{"{L}委办公厅", "{L}人大常委会办公厅", "{L}政协办公厅"},
	{"财政部", "{L}人民政府办公厅", "{L}审计厅"},
}

// builtinNotes are the 附注 printed under the date.
var builtinNotes = []string{"（此件公开发布）", "（此件主动公开）", "（此件依申请公开）", "（此件不予公开）"}

// builtinRecipients are the 主送机关 of documents sent down, by issuer.
var builtinRecipients = map[Slot][][]string{
	SlotGovernment: {
		{"各市、县（区）人民政府", "{L}人民政府各部门、各直属机构"},
		{"各设区的市人民政府", "各开发区管理委员会", "{L}人民政府各部门、各直属机构", "各大企业", "各高等院校"},
	},
	SlotOffice: {
		{"各市、县（区）人民政府", "{L}人民政府各部门、各直属机构"},
		{"各设区的市人民政府", "{L}直各有关单位"},
	},
	SlotDepartment: {
		{"各设区的市、县（市、区）有关部门", "{L}直有关单位"},
		{"各市、县（区）教育局", "{L}属各高等学校"},
		{"各设区的市财政局、人力资源社会保障局", "{L}直各部门"},
	},
}

// registrationCodes are the Latin initials of each province in 规范性文件
// registration numbers.
var registrationCodes = map[string]string{
	"澜江省": "LJ", "苍梧省": "CW", "岚州省": "LZ", "泽安省": "ZA", "临海市": "LH",
	"广东省": "GD", "河南省": "HN", "上海市": "SH", "四川省": "SC", "云南省": "YN",
}
