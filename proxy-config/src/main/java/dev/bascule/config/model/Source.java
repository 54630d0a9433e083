package dev.bascule.config.model;

/** Where a config element was written, so every message can point at it. */
public record Source(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
