package dev.bascule.config.sample;

import java.util.List;

/**
 * One converter of an expression with its arguments as written; a {@code map*} converter carries its file's
 * entries, read when the configuration was, so that a changed map file is a changed configuration on reload.
 *
 * @param map the map's entries for a {@code map*} converter, null for the others
 */
public record Converter(ConverterKeyword keyword, List<String> args, MapFile map) {
    public Converter {
        args = List.copyOf(args);
    }

    public String arg(int i) {
        return i < args.size() ? args.get(i) : null;
    }

    @Override
    public String toString() {
        return args.isEmpty() ? keyword.keyword() : keyword.keyword() + "(" + String.join(",", args) + ")";
    }
}
