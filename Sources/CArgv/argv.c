// The command line, as the Swift runtime's CommandLine asks for it.
//
// The runtime's own version of these two functions finds argv, before main
// and in every program, by reading /proc/self/maps with stdio and sscanf
// to locate the stack, then walking back from environ. For a short
// ovpnctl command that is a tenth of its instructions and a third of its
// time (scripts/bench). The runtime is linked from a static archive, and
// an archive member is only linked for a symbol still undefined: defining
// both functions here keeps the runtime's version out (were it linked
// anyway, the duplicate definitions would fail the build). glibc calls
// each constructor with argc, argv and envp, so argv is simply kept.
#include <stddef.h>

static char **start_argv;
static int start_argc;
static char **override_argv;
static int override_argc;

__attribute__((constructor)) static void keep_argv(int argc, char **argv, char **envp) {
	(void)envp;
	start_argc = argc;
	start_argv = argv;
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
	override_argv = argv;
	override_argc = argc;
}

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
	static char *empty[] = {NULL};
	if (override_argv) {
		*outArgLen = override_argc;
		return override_argv;
	}
	if (start_argv) {
		*outArgLen = start_argc;
		return start_argv;
	}
	*outArgLen = 0;
	return empty;
}
