package dev.bascule.config;

import java.util.List;

/** Checks the words after {@code balance <algorithm>} (doc section 4.2, "balance"). */
final class BalanceArguments {
    private BalanceArguments() {
    }

    /** @return what is wrong, or null */
    static String check(String algorithm, List<String> args) {
        String base = algorithm.replaceAll("\\(.*", "");
        switch (base) {
            case "uri" -> {
                for (int i = 0; i < args.size(); i++) {
                    String w = args.get(i);
                    if (w.equals("len") || w.equals("depth")) {
                        if (i + 1 >= args.size() || !args.get(i + 1).matches("\\d+")) {
                            return "'" + w + "' expects a positive integer";
                        }
                        i++;
                    } else if (!w.equals("whole") && !w.equals("path-only")) {
                        return "unknown option '" + w + "'; expected 'len <n>', 'depth <n>', 'whole' or 'path-only'";
                    }
                }
            }
            case "url_param" -> {
                if (args.isEmpty()) {
                    return "expects a parameter name, as in 'balance url_param userid'";
                }
                for (String w : args.subList(1, args.size())) {
                    if (!w.equals("check_post")) {
                        return "unknown option '" + w + "'; expected 'check_post'";
                    }
                }
            }
            case "hdr" -> {
                if (!algorithm.matches("hdr\\([^()]+\\)")) {
                    return "expects a header name, as in 'balance hdr(host)'";
                }
                for (String w : args) {
                    if (!w.equals("use_domain_only")) {
                        return "unknown option '" + w + "'; expected 'use_domain_only'";
                    }
                }
            }
            case "hash" -> {
                // The expression itself is compiled by the section's sample layer.
                if (args.size() != 1) {
                    return "expects one sample expression, as in 'balance hash req.hdr(host)'";
                }
            }
            default -> {
                if (!args.isEmpty() && !base.equals("rdp-cookie")) {
                    return "takes no argument, got '" + args.get(0) + "'";
                }
            }
        }
        return null;
    }
}
