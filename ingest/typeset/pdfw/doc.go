// Package pdfw writes a PDF file object by object to an io.Writer, so a
// thousand-page file never sits in memory: objects may be written in any
// order (reserve a number first, write the object when its content is
// known), and Close writes the cross-reference table. Output is a pure
// function of the calls made (no time stamps, no random IDs). G4
// compresses black-and-white images for /CCITTFaxDecode.
//
// It knows nothing of fonts or gazettes and imports nothing of the project.
package pdfw
