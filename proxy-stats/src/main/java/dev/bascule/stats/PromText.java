package dev.bascule.stats;

/**
 * Writes the Prometheus text format (0.0.4) as HAProxy's exporter does: a family's {@code # HELP} and
 * {@code # TYPE} lines come just before its first sample, so a family without any sample (no HTTP proxy for an
 * HTTP metric) is not announced at all; labels in the order given; integers as integers.
 */
final class PromText {
    private final StringBuilder out = new StringBuilder(64 * 1024);
    private String name;
    private String help;
    private boolean counter;
    private boolean announced;

    /**
     * The family the next samples belong to. Naming the current one again continues it (the six hrsp_* columns are
     * one {@code http_responses_total}): its header is not repeated.
     */
    void family(String name, boolean counter, String help) {
        if (name.equals(this.name)) {
            return;
        }
        this.name = name;
        this.counter = counter;
        this.help = help;
        announced = false;
    }

    /** A sample of the current family; {@code labels} are name, value pairs. */
    void sample(double value, String... labels) {
        if (!announced) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                    .append("# TYPE ").append(name).append(' ').append(counter ? "counter" : "gauge").append('\n');
            announced = true;
        }
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(java.util.Locale.ROOT, "%f", value));
        }
        out.append('\n');
    }

    /** Label values escape backslash, quote and newline (the format's only escapes). */
    private void escape(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** Text written elsewhere in the same format (Bascule's own meters). */
    void raw(String text) {
        out.append(text);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
