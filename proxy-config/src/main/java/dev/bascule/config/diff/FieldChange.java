package dev.bascule.config.diff;

/**
 * One setting that differs, named as the configuration writes it ({@code weight}, {@code timeout connect},
 * {@code balance}) with both values as text, as a log line shows them: {@code weight 1 -> 2}.
 */
public record FieldChange(String name, String before, String after) {
    @Override
    public String toString() {
        return name + " " + before + " -> " + after;
    }
}
