package archive

// ThisProcess is thisProcess, for the tests of package archive_test.
var ThisProcess = thisProcess
