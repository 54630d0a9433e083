package dev.bascule.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Bascule's own version and the HAProxy version whose configuration language it speaks. */
public final class Version {
    /** What {@code version_atleast()} and {@code version_before()} compare against. */
    public static final String HAPROXY_COMPAT = "2.6";
    public static final String BASCULE;
    public static final String BUILD_DATE;

    static {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BASCULE = p.getProperty("version", "dev");
        BUILD_DATE = p.getProperty("date", "unknown");
    }

    private Version() {
    }

    /** Compares dotted versions numerically ("2.10" is after "2.9"); a missing component counts as 0. */
    public static int compare(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(component(x, i), component(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int component(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        String digits = parts[i].replaceAll("\\D.*", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }
}
