module github.com/gazette-archive/gazette

go 1.26.8
