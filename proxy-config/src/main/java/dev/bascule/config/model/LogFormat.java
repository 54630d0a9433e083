package dev.bascule.config.model;

import dev.bascule.config.sample.SampleExpr;

import java.util.List;

/**
 * A {@code log-format} string (doc section 8.2.4) compiled into the pieces a line is written from: literal text,
 * separators (its unescaped spaces, merged), variables and sample expressions ({@code %[src]}) with their flags.
 * Two formats are equal when their texts are.
 */
public record LogFormat(String text, List<Node> nodes) {
    /** {@code option httplog} (doc section 8.2.3). */
    public static final String HTTPLOG = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
            + "%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
    /** {@code option httplog clf} (doc section 8.2.3). */
    public static final String CLF = "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc "
            + "%Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl";
    /** {@code option httpslog} (HAProxy 2.6's format string, doc section 8.2.4). */
    public static final String HTTPSLOG = HTTPLOG + " %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/"
            + "%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc";
    /** {@code option tcplog} (doc section 8.2.2). */
    public static final String TCPLOG = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";
    /** {@code log-format-sd}'s default: an empty structured-data part. */
    public static final String SD_NONE = "- ";

    public LogFormat {
        nodes = List.copyOf(nodes);
    }

    public sealed interface Node permits Literal, Separator, Written {
    }

    /** A node whose value is written with flags: {@link #QUOTE}, {@link #HEX}, {@link #ESCAPE}. */
    public sealed interface Written extends Node permits Var, Sample {
        int flags();

        default boolean quoted() {
            return (flags() & QUOTE) != 0;
        }

        default boolean hex() {
            return (flags() & HEX) != 0;
        }

        default boolean escaped() {
            return (flags() & ESCAPE) != 0;
        }
    }

    public record Literal(String text) implements Node {
    }

    /** An unescaped space (or several): one space, written only after something that was not empty. */
    public record Separator() implements Node {
    }

    /** A {@code %var}, with its flags ({@code %{+Q}r}). */
    public record Var(Variable variable, int flags) implements Written {
    }

    /** A {@code %[expr]}, with its flags ({@code %{+Q}[req.hdr(host)]}): the sample as text, {@code -} when none. */
    public record Sample(SampleExpr expr, int flags) implements Written {
    }

    public static final int QUOTE = 1;
    public static final int HEX = 2;
    public static final int ESCAPE = 4;

    /** HAProxy 2.6's variables (the table of doc section 8.2.4), by the name written after {@code %}. */
    public enum Variable {
        B("B"), CC("CC"), CS("CS"), H("H"), HM("HM"), HP("HP"), HQ("HQ"), HU("HU"), HV("HV"), ID("ID"), ST("ST"),
        T("T"), TA("Ta"), TC("Tc"), TD("Td"), TH("Th"), TI("Ti"), TL("Tl"), TQ("Tq"), TREQUEST("TR"),
        TRESPONSE("Tr"),
        TS_EPOCH("Ts"), TT("Tt"), TU("Tu"), TW("Tw"), U("U"), AC("ac"), BACKEND("b"), BC("bc"), BI("bi"),
        BP("bp"), BQ("bq"), CI("ci"), CP("cp"), FRONTEND("f"), FC("fc"), FI("fi"), FP("fp"), FT("ft"), HR("hr"),
        HRL("hrl"), HS("hs"), HSL("hsl"), LC("lc"), MS("ms"), OPTION("o"), PID("pid"), R("r"), RC("rc"), RT("rt"),
        SERVER("s"), SC("sc"), SI("si"), SP("sp"), SQ("sq"), SSLC("sslc"), SSLV("sslv"), ACCEPT_DATE("t"),
        TR_DATE("tr"), TR_GMT("trg"), TR_LOCAL("trl"), TS("ts"), TSC("tsc");

        public final String written;

        Variable(String written) {
            this.written = written;
        }

        /** The variable written {@code name}, or null. */
        public static Variable named(String name) {
            for (Variable v : values()) {
                if (v.written.equals(name)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** Whether the format writes {@code v} anywhere (what a stream must record is decided once, from this). */
    public boolean uses(Variable v) {
        return nodes.stream().anyMatch(n -> n instanceof Var var && var.variable() == v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogFormat f && f.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
