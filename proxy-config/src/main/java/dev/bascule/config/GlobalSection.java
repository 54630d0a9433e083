package dev.bascule.config;

import dev.bascule.config.model.Global;

/** The {@code global} section; several of them add up, as in HAProxy. */
final class GlobalSection implements Section {
    private final Diagnostics diag;
    private int maxconn;
    private int nbthread;
    private boolean daemon;
    private String pidfile;

    GlobalSection(Diagnostics diag) {
        this.diag = diag;
    }

    @Override
    public void keyword(Line line) {
        String kw = line.keyword();
        switch (kw) {
            case "maxconn" -> {
                Integer v = Numbers.parse(diag, line, kw, line.word(1), 1, Integer.MAX_VALUE);
                if (v != null) {
                    maxconn = v;
                }
            }
            case "nbthread" -> {
                Integer v = Numbers.parse(diag, line, kw, line.word(1), 1, 4096);
                if (v != null) {
                    nbthread = v;
                }
            }
            case "daemon" -> daemon = true;
            case "pidfile" -> {
                if (line.word(1) == null) {
                    diag.alert(line.source(), "'pidfile' expects a file name as an argument");
                } else {
                    pidfile = line.word(1);
                }
            }
            case "nbproc" -> diag.warning(line.source(), "'nbproc' was removed in HAProxy 2.5 and is ignored: "
                    + "Bascule runs one process with one event loop per thread; use 'nbthread' instead");
            default -> {
                if (Keywords.GLOBAL.contains(kw) || Keywords.GLOBAL_PREFIXES.stream().anyMatch(kw::startsWith)) {
                    String name = kw.equals("stats") && line.word(1) != null ? kw + " " + line.word(1) : kw;
                    diag.warning(line.source(), "'" + name + "' is not supported yet");
                } else {
                    String near = Keywords.nearest(kw, Keywords.GLOBAL);
                    diag.alert(line.source(), "unknown keyword '" + kw + "' in 'global' section"
                            + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
                }
            }
        }
    }

    Global build() {
        return new Global(maxconn, nbthread, daemon, pidfile);
    }
}
