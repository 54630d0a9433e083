package dev.bascule.config.sample;

/** What is wrong in a sample expression, an ACL or a condition, worded for the line's diagnostic, with the fix. */
public final class SampleException extends Exception {
    public SampleException(String message) {
        super(message);
    }
}
