package dev.bascule.config;

import dev.bascule.config.model.Config;
import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.Userlist;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code userlist} sections, {@code http_auth}, {@code http_auth_group} and {@code http-request auth}. */
class UserlistConfigTest {
    private static final String PROXIES = "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n"
            + "    timeout connect 1s\nfrontend f\n    bind :80\n    default_backend b\n"
            + "    http-request auth realm Admins unless { http_auth_group(L) admin }\n"
            + "    http-request auth if !{ http_auth(L) }\nbackend b\n    server s1 127.0.0.1:81\n";
    private static final String HASH = "$6$saltsalt$C4RIzsZQIZD5.VEF3opYL3gpxyszQ5ZhzXA6QVzJgu5AFkGPMkRyVj.ao7MicoMK9i"
            + "VtJ6ezaZhxMP8Sj1Ymr0";

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<String> messages(String text, Diagnostic.Severity severity) {
        return parse(text).diagnostics().stream().filter(d -> d.severity() == severity).map(Diagnostic::text).toList();
    }

    @Test
    void users_get_their_passwords_and_every_group_they_are_in_from_either_side() {
        ParseResult r = parse(PROXIES + "userlist L\n    group admin users alice\n    group ops\n"
                + "    user alice password " + HASH + "\n    user bob insecure-password hunter2 groups ops,admin\n"
                + "    user carol\n");
        assertTrue(r.valid() && r.diagnostics().isEmpty(), () -> r.diagnostics().toString());
        Config c = r.config();
        Userlist l = c.userlist("L").orElseThrow();
        assertEquals(List.of("admin", "ops"), l.groups());
        assertEquals(new Userlist.User("alice", new Userlist.Password(Userlist.Password.Kind.HASH, HASH),
                List.of("admin")), l.users().get(0));
        assertEquals(new Userlist.User("bob", new Userlist.Password(Userlist.Password.Kind.INSECURE, "hunter2"),
                List.of("ops", "admin")), l.users().get(1));
        assertEquals(new Userlist.User("carol", null, List.of()), l.users().get(2));
        assertEquals(List.of(new HttpAction.Auth("Admins"), new HttpAction.Auth(null)),
                c.frontends().get(0).httpRequest().stream().map(h -> h.action()).toList());
    }

    @Test
    void errors_and_warnings_are_haproxys() {
        assertEquals(List.of("parsing [test.cfg:10] : unable to find userlist 'L' referenced in arg 1 of ACL keyword "
                        + "'http_auth_group' in proxy 'f'.", "parsing [test.cfg:11] : unable to find userlist 'L' "
                        + "referenced in arg 1 of ACL keyword 'http_auth' in proxy 'f'."),
                messages(PROXIES.replace("frontend f", "userlist M\nfrontend f"), Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:14] : userlist 'L': no such group 'G9' specified in user 'u1'"),
                messages(PROXIES + "userlist L\n    user u1 insecure-password x groups G9\n", Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:14] : userlist 'L': no such user 'u9' specified in group 'G1'"),
                messages(PROXIES + "userlist L\n    group G1 users u9\n", Diagnostic.Severity.ALERT));
        assertEquals(List.of("parsing [test.cfg:14] : 'user' only supports 'password', 'insecure-password' and "
                + "'groups' options."), messages(PROXIES + "userlist L\n    user u1 foo bar\n", Diagnostic.Severity.ALERT));
        List<String> warnings = messages(PROXIES + "userlist L\n    user u1 insecure-password x\n"
                + "    user u1 insecure-password y\n    group G\n    group G\n    user u2 password $2y$10$abc\n",
                Diagnostic.Severity.WARNING);
        assertEquals(List.of("parsing [test.cfg:15] : ignoring duplicated user 'u1' in userlist 'L'.",
                "parsing [test.cfg:17] : ignoring duplicated group 'G' in userlist 'L'.",
                "parsing [test.cfg:18] : user 'u2' in userlist 'L': its password hash is not one Bascule checks "
                        + "(SHA-512 '$6$', SHA-256 '$5$', MD5 '$1$'); this user never authenticates. Make one with "
                        + "'openssl passwd -6'"), warnings);
        assertTrue(messages(PROXIES.replace("http-request auth if", "http-request auth realm if") + "userlist L\n",
                Diagnostic.Severity.ALERT).get(0).contains("'http-request auth' : expects [realm <realm>]"));
    }
}
