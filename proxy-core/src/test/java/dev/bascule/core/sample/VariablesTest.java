package dev.bascule.core.sample;

import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.AclParser;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleParser;
import dev.bascule.config.sample.VarName;
import dev.bascule.core.stream.Stream;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Variables by scope, as rules set them and fetches, conditions and formats read them (HAProxy's vars.c). */
class VariablesTest {
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);
    private final ConditionParser conditions = new ConditionParser(new AclParser(samples), name -> null);
    private final TestRequest request = TestRequest.of("GET /a?b=1 HTTP/1.1", "Host: example.com", "X-N: 41");
    private final Vars session = Vars.local();
    private final Stream stream = stream();

    private Stream stream() {
        Stream s = new Stream(null, new InetSocketAddress("10.0.0.9", 4000), new InetSocketAddress("127.0.0.1", 80), 0);
        s.session(session);
        return s;
    }

    private SampleContext context(Stream s) {
        return SampleContext.of(s, request, SampleContext.NO_BACKENDS);
    }

    private void set(String name, String expr, String... when) throws SampleException {
        VarEdit.of(new VarAction(VarAction.Op.SET, VarName.parse(name), samples.parse(expr), null,
                Arrays.stream(when).map(VarAction.When::named).toList())).apply(context(stream));
    }

    private Object get(String expr) throws SampleException {
        return Expression.of(samples.parse(expr)).evaluate(context(stream));
    }

    @Test
    void a_variable_keeps_the_type_of_its_sample_and_a_later_expression_reads_it() throws SampleException {
        set("txn.n", "req.hdr_val(x-n)");
        assertEquals(41L, get("var(txn.n)"));
        assertEquals(42L, get("var(txn.n),add(1)"));
        set("txn.ip", "src");
        assertEquals("10.0.0.9", ((InetAddress) get("var(txn.ip)")).getHostAddress(), "an address stays one");
        assertEquals("10.0.0.0", get("var(txn.ip),ipmask(8)") instanceof InetAddress a ? a.getHostAddress() : null);
        assertTrue(Condition.of(conditions.parse(List.of("if", "{", "var(txn.n)", "-m", "int", "gt", "40", "}")))
                .holds(context(stream)));
    }

    @Test
    void arithmetic_takes_a_variable_as_its_operand() throws SampleException {
        set("txn.prio", "int(100)");
        set("txn.text", "str(x1)");
        assertEquals(100L, get("int(200),sub(txn.prio)"));
        assertEquals(141L, get("req.hdr_val(x-n),add(txn.prio)"));
        assertNull(get("int(200),sub(txn.none)"), "a missing variable makes no sample");
        assertNull(get("int(200),sub(txn.text)"), "nor one that holds no integer");
        assertEquals(198L, get("int(200),sub(2)"));
    }

    @Test
    void a_missing_variable_is_no_sample_unless_a_default_is_given() throws SampleException {
        assertNull(get("var(txn.none)"));
        assertEquals("fallback", get("var(txn.none,fallback)"));
        assertEquals("x=", Format.of(SampleFormat.parse("x=%[var(txn.none)]", samples)).evaluate(context(stream)));
        set("txn.none", "req.hdr(absent)");
        assertNull(get("var(txn.none)"), "a fetch that finds nothing stores nothing");
    }

    @Test
    void request_variables_end_when_the_request_goes_to_a_server_and_response_ones_begin() throws SampleException {
        set("req.a", "str(request)");
        set("txn.a", "str(transaction)");
        assertEquals("request", get("var(req.a)"));
        set("res.a", "str(too early)");
        assertNull(get("var(res.a)"), "no response scope while the request is processed");
        stream.responding();
        assertNull(get("var(req.a)"));
        set("res.a", "str(response)");
        assertEquals("response", get("var(res.a)"));
        assertEquals("transaction", get("var(txn.a)"));
    }

    @Test
    void session_variables_are_shared_by_the_transactions_of_a_connection_and_txn_ones_are_not() throws Exception {
        set("sess.user", "str(alice)");
        set("txn.once", "str(x)");
        Stream next = stream();
        assertEquals("alice", Expression.of(samples.parse("var(sess.user)")).evaluate(context(next)));
        assertNull(Expression.of(samples.parse("var(txn.once)")).evaluate(context(next)));
        SampleContext noStream = new SampleContext(null, null, null, null, null, null, SampleContext.NO_BACKENDS)
                .with(session);
        assertEquals("alice", Expression.of(samples.parse("var(sess.user)")).evaluate(noStream));
        VarEdit.of(new VarAction(VarAction.Op.SET, VarName.parse("txn.early"), samples.parse("str(x)"), null,
                List.of())).apply(noStream);
        assertNull(Expression.of(samples.parse("var(txn.early)")).evaluate(noStream),
                "before a stream there is no transaction to set a variable in");
    }

    @Test
    void set_var_conditions_are_haproxys() throws SampleException {
        set("txn.c", "int(5)", "ifnotexists");
        set("txn.c", "int(9)", "ifnotexists");
        assertEquals(5L, get("var(txn.c)"));
        set("txn.c", "int(3)", "ifgt");
        assertEquals(3L, get("var(txn.c)"), "stored: the variable (5) was greater than the input (3)");
        set("txn.c", "int(4)", "ifgt");
        assertEquals(3L, get("var(txn.c)"));
        set("txn.c", "str(x),regsub(x,)", "ifnotempty");
        assertEquals(3L, get("var(txn.c)"));
        set("txn.c", "str(text)", "ifexists", "ifnotempty", "ifgt");
        assertEquals("text", get("var(txn.c)"), "ifgt holds when the two are not integers");
        VarEdit.of(new VarAction(VarAction.Op.UNSET, VarName.parse("txn.c"), null, null, List.of()))
                .apply(context(stream));
        assertNull(get("var(txn.c)"));
    }

    @Test
    void set_var_fmt_stores_text_and_the_converters_store_on_the_way() throws SampleException {
        VarEdit.of(new VarAction(VarAction.Op.SET_FMT, VarName.parse("txn.from"), null,
                SampleFormat.parse("%[src]:%[src_port]", samples), List.of())).apply(context(stream));
        assertEquals("10.0.0.9:4000", get("var(txn.from)"));
        assertEquals("EXAMPLE.COM", get("req.hdr(host),set-var(txn.host),upper"));
        assertEquals("example.com", get("var(txn.host)"));
        assertEquals("example.com", get("var(txn.host),unset-var(txn.host)"));
        assertNull(get("var(txn.host)"));
    }
}
