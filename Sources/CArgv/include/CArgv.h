// Nothing to call: argv.c only defines what the Swift runtime looks up.
