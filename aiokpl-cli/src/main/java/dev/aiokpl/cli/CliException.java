package dev.aiokpl.cli;

/** A failure to tell the user in one line ({@code error: <message>}), ending the command with exit code 1. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }
}
