package dev.bascule.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits one config line into words the way HAProxy 2.6's {@code parse_line()} does: blanks separate words,
 * {@code #} outside quotes starts a comment, {@code 'single'} quotes are literal, {@code "double"} quotes
 * keep escapes and variables, a backslash escapes a blank, {@code #}, a quote or itself ({@code \r \n \t \xHH}
 * too, {@code \$} inside double quotes; any other backslash is kept, as regexes need). Environment variables are
 * read inside double quotes only: {@code $NAME}, {@code ${NAME}}, {@code ${NAME-default}}, and {@code ${NAME[*]}}
 * whose value is split into words at its blanks. Outside double quotes a {@code $} is text, as in HAProxy (whose
 * address parser expands it on its own: see {@link AddressEnvironment}); a warning says so when it names a variable
 * that is set.
 */
public final class Tokenizer {
    private final Function<String, String> env;

    /** @param env looks up environment variables; returns null for an unset one */
    public Tokenizer(Function<String, String> env) {
        this.env = env;
    }

    /**
     * The words of a line; the variables that are set but were written outside double quotes, where HAProxy leaves
     * them as text (unless an address parser reads the word: {@link AddressEnvironment}); {@code error} is null
     * when the line is usable.
     */
    public record Result(List<String> words, List<String> unquotedVariables, String error) {
    }

    public Result split(String line) {
        List<String> words = new ArrayList<>();
        List<String> unquoted = new ArrayList<>();
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
                i = escape(line, i, word, quote == '"');
            } else if (c == '$' && quote == '"') {
                Expansion x = variable(line, i, words, word);
                if (x.error != null) {
                    return new Result(words, unquoted, x.error);
                }
                i = x.end;
            } else if (c == '$') {
                String name = unquotedName(line, i + 1);
                if (name != null && env.apply(name) != null) {
                    unquoted.add(name);
                }
                word.append(c);
                i++;
            } else {
                word.append(c);
                i++;
            }
        }
        if (quote != 0) {
            return new Result(words, unquoted, "unmatched quote at position " + (quoteStart + 1));
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.stream().anyMatch(w -> w.indexOf('\0') >= 0)) {
            return new Result(words, unquoted, "NUL character (raw or as \\x00) in a word; it is not allowed "
                    + "in a configuration");
        }
        return new Result(List.copyOf(words), List.copyOf(unquoted), null);
    }

    private static int escape(String line, int i, StringBuilder word, boolean inDoubleQuotes) {
        char next = line.charAt(i + 1);
        switch (next) {
            case ' ', '\\', '#', '\'', '"' -> word.append(next);
            case '$' -> {
                // A dollar needs no escape outside double quotes, where the backslash stays.
                if (!inDoubleQuotes) {
                    word.append('\\');
                    return i + 1;
                }
                word.append(next);
            }
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

    /** Where a variable inside double quotes ends, or why the line is refused (HAProxy's wording). */
    private record Expansion(int end, String error) {
    }

    /**
     * Expands the variable at {@code start} (its {@code $}) into {@code word}; with {@code [*]}, each blank of the
     * value ends a word, as HAProxy's word expansion does.
     */
    private Expansion variable(String line, int start, List<String> words, StringBuilder word) {
        int n = line.length();
        int i = start + 1;
        boolean brace = i < n && line.charAt(i) == '{';
        if (brace) {
            i++;
        }
        if (i >= n || !isVarStart(line.charAt(i))) {
            return new Expansion(i, "forbidden first char in environment variable name at position " + (i + 1)
                    + "; inside double quotes a '$' starts a variable: write \\$ for the character itself, or use "
                    + "single quotes");
        }
        int nameStart = i;
        while (i < n && isVarPart(line.charAt(i))) {
            i++;
        }
        String value = env.apply(line.substring(nameStart, i));
        boolean splitWords = false;
        if (brace && i < n && line.charAt(i) == '[') {
            if (!line.startsWith("[*]", i)) {
                return new Expansion(i, "truncated or invalid word expansion sequence at position " + (i + 1)
                        + "; write ${NAME[*]}");
            }
            splitWords = true;
            i += 3;
        }
        if (brace) {
            int close = line.indexOf('}', i);
            if (close < 0 || line.charAt(i) != '-' && close != i) {
                return new Expansion(i, "unmatched brace in environment variable name at position " + (start + 2)
                        + "; write ${NAME} or ${NAME-default}");
            }
            if (value == null && line.charAt(i) == '-') {
                value = line.substring(i + 1, close);
            }
            i = close + 1;
        }
        if (value != null) {
            for (int k = 0; k < value.length(); k++) {
                char v = value.charAt(k);
                if (splitWords && Character.isWhitespace(v)) {
                    words.add(word.toString());
                    word.setLength(0);
                } else {
                    word.append(v);
                }
            }
        }
        return new Expansion(i, null);
    }

    /** The name a {@code $} outside double quotes would stand for ({@code $NAME} or {@code ${NAME}}), or null. */
    private static String unquotedName(String line, int from) {
        int i = from < line.length() && line.charAt(from) == '{' ? from + 1 : from;
        int start = i;
        if (i >= line.length() || !isVarStart(line.charAt(i))) {
            return null;
        }
        while (i < line.length() && isVarPart(line.charAt(i))) {
            i++;
        }
        return line.substring(start, i);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean isVarStart(char c) {
        return c == '_' || c < 0x80 && Character.isLetter(c);
    }

    private static boolean isVarPart(char c) {
        return c == '_' || c < 0x80 && Character.isLetterOrDigit(c);
    }
}
