package dev.bascule.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits one config line into words the way HAProxy's {@code parse_line()} does: blanks separate words,
 * {@code #} outside quotes starts a comment, {@code 'single'} quotes are literal, {@code "double"} quotes
 * keep escapes and variables, a backslash escapes a blank, {@code #}, a quote, {@code $} or itself
 * ({@code \r \n \t \xHH} too; any other backslash is kept, as regexes need), and {@code ${NAME}} or
 * {@code ${NAME-default}} expands from the environment.
 */
public final class Tokenizer {
    private final Function<String, String> env;

    /** @param env looks up environment variables; returns null for an unset one */
    public Tokenizer(Function<String, String> env) {
        this.env = env;
    }

    /** The words of a line, and what was odd about it. {@code error} is null when the line is usable. */
    public record Result(List<String> words, List<String> warnings, String error) {
    }

    public Result split(String line) {
        List<String> words = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        int quoteStart = -1;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
                i++;
                continue;
            }
            if (quote == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            if (quote == 0 && c == '#') {
                break;
            }
            inWord = true;
            if (c == '\'' && quote == 0 || c == '"' && quote == 0) {
                quote = c;
                quoteStart = i;
                i++;
            } else if (c == '"') {
                quote = 0;
                i++;
            } else if (c == '\\' && i + 1 < n) {
                i = escape(line, i, word);
            } else if (c == '$' && i + 1 < n && line.charAt(i + 1) == '{') {
                int end = line.indexOf('}', i + 2);
                if (end < 0) {
                    return new Result(words, warnings, "unterminated '${' at position " + (i + 1));
                }
                expand(line.substring(i + 2, end), word);
                i = end + 1;
            } else if (c == '$' && quote == 0 && i + 1 < n && isVarStart(line.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && isVarPart(line.charAt(end))) {
                    end++;
                }
                String name = line.substring(i + 1, end);
                warnings.add("environment variable '$" + name + "' outside double quotes and braces; "
                        + "write \"${" + name + "}\"");
                expand(name, word);
                i = end;
            } else {
                word.append(c);
                i++;
            }
        }
        if (quote != 0) {
            return new Result(words, warnings, "unmatched quote at position " + (quoteStart + 1));
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.stream().anyMatch(w -> w.indexOf('\0') >= 0)) {
            return new Result(words, warnings, "NUL character (raw or as \\x00) in a word; it is not allowed "
                    + "in a configuration");
        }
        return new Result(List.copyOf(words), List.copyOf(warnings), null);
    }

    private static int escape(String line, int i, StringBuilder word) {
        char next = line.charAt(i + 1);
        switch (next) {
            case ' ', '\\', '#', '\'', '"', '$' -> word.append(next);
            case 't' -> word.append('\t');
            case 'r' -> word.append('\r');
            case 'n' -> word.append('\n');
            case 'x' -> {
                if (i + 3 < line.length() && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                    word.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                    return i + 4;
                }
                word.append('\\');
                return i + 1;
            }
            default -> {
                word.append('\\');
                return i + 1;
            }
        }
        return i + 2;
    }

    private void expand(String expr, StringBuilder word) {
        int dash = expr.indexOf('-');
        String name = dash < 0 ? expr : expr.substring(0, dash);
        String value = env.apply(name);
        if (value == null && dash >= 0) {
            value = expr.substring(dash + 1);
        }
        if (value != null) {
            word.append(value);
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean isVarStart(char c) {
        return c == '_' || Character.isLetter(c);
    }

    private static boolean isVarPart(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}
