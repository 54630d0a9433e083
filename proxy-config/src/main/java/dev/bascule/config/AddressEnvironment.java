package dev.bascule.config;

import dev.bascule.config.model.Source;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The environment as HAProxy's address parser reads it: {@code str2sa_range()} runs {@code env_expand()} on every
 * address (of a {@code bind}, a {@code server}, a {@code log} target, a {@code stats socket}, {@code -S}), so there
 * {@code $NAME} and {@code ${NAME}} are replaced even outside double quotes, an unset one by nothing (there is no
 * default value in this form). An address left invalid by a variable gets an error that names it.
 */
final class AddressEnvironment {
    private final Function<String, String> env;
    /** The variables addresses read since {@link #takeRead}: HAProxy expands those, so no warning is due. */
    private final Set<String> read = new HashSet<>();

    AddressEnvironment(Function<String, String> env) {
        this.env = env;
    }

    /** The variables the addresses of the current line read; forgotten for the next line. */
    Set<String> takeRead() {
        Set<String> names = Set.copyOf(read);
        read.clear();
        return names;
    }

    /** The address with its variables replaced, and for an error about it the variables it read, or "". */
    record Expanded(String text, String hint) {
    }

    Expanded expand(String text) {
        if (text.indexOf('$') < 0) {
            return new Expanded(text, "");
        }
        StringBuilder out = new StringBuilder();
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            int start = i + 1 < text.length() && text.charAt(i + 1) == '{' ? i + 2 : i + 1;
            int end = start;
            while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) && text.charAt(end) < 0x80
                    || text.charAt(end) == '_')) {
                end++;
            }
            String name = text.substring(start, end);
            String value = name.isEmpty() ? null : env.apply(name);
            read.add(name);
            names.add(name.isEmpty() ? "'$' without a variable name" : value == null ? name + " is unset"
                    : name + " is '" + value + "'");
            if (value != null) {
                out.append(value);
            }
            i = end < text.length() && text.charAt(end) == '}' && start == i + 2 ? end + 1 : end;
        }
        return new Expanded(out.toString(), " (from '" + text + "': " + String.join(", ", names) + ")");
    }

    /**
     * Parses an address with {@code parse}, its alerts and warnings given the variables it read; HAProxy's alert
     * when the variables leave nothing.
     */
    <T> T parse(Diagnostics diag, Source source, String owner, String text, BiFunction<Diagnostics, String, T> parse) {
        Expanded x = expand(text);
        if (x.hint().isEmpty()) {
            return parse.apply(diag, text);
        }
        if (x.text().isEmpty()) {
            diag.alert(source, "'" + owner + "' : '" + text + "' resolves to an empty address (environment variable "
                    + "missing?)" + x.hint());
            return null;
        }
        Diagnostics local = new Diagnostics();
        T result = parse.apply(local, x.text());
        for (Diagnostic d : local.all()) {
            if (d.severity() == Diagnostic.Severity.ALERT) {
                diag.alert(d.source(), d.message() + x.hint());
            } else {
                diag.warning(d.source(), d.message() + x.hint());
            }
        }
        return result;
    }
}
