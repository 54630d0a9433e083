package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample layer against HAProxy 2.6's own: one configuration, run by a real HAProxy and by Bascule, copies the
 * result of every fetch family, converter, match method, operator, flag and predefined ACL into request headers
 * ({@code http-request set-header X-F-... %[fetch,converter]}, {@code ... 1 if { acl }}) and routes with
 * {@code use_backend}. Recording backends answer with their name and the headers they got; each request, written on
 * a raw socket (so that HTTP/1.0, an absolute target or a folded header go as written), must get the same answer
 * through both proxies.
 */
class SampleLayerIT {
    /** The rules, after the frontend's bind line; {@code @DIR@} is the directory of the map and pattern files. */
    private static final String RULES = """
                acl api path_beg /api
                acl static path_end .css .js
                acl static path_reg ^/assets/
                acl admin hdr_dom(host) -i admin.example.com
                acl big hdr_val(x-in-num) gt 100 50
                acl nets src -f @DIR@/nets.lst
                acl agents hdr(user-agent) -f @DIR@/exact.lst -i -f @DIR@/agents.lst
                http-request set-header X-F-Names %[req.hdr_names(;)]
                http-request set-header X-F-Path %[path]
                http-request set-header X-F-Pathq %[pathq]
                http-request set-header X-F-Base %[base]
                http-request set-header X-F-Url %[url]
                http-request set-header X-F-Query %[query]
                http-request set-header X-F-Param %[url_param(id)]
                http-request set-header X-F-Method %[method]
                http-request set-header X-F-Ver %[req.ver]
                http-request set-header X-F-Host %[hdr(host),lower]
                http-request set-header X-F-Accept-Last %[hdr(accept)]
                http-request set-header X-F-Accept-First %[hdr(accept,1)]
                http-request set-header X-F-Accept-Line %[req.fhdr(accept)]
                http-request set-header X-F-Accept-Cnt %[hdr_cnt(accept)]
                http-request set-header X-F-Text %[req.fhdr(x-in-text)]
                http-request set-header X-F-Cookie %[cook(sid)]
                http-request set-header X-F-Cookie-Cnt %[cook_cnt(a)]
                http-request set-header X-F-Cookie-Val %[cook_val(a)]
                http-request set-header X-F-Arith %[hdr_val(x-in-num),add(5),mul(2),sub(1),div(3),mod(7)]
                http-request set-header X-F-Bits %[hdr_val(x-in-num),and(12),or(1),xor(3)]
                http-request set-header X-F-Neg %[hdr_val(x-in-num),neg]
                http-request set-header X-F-Bool %[hdr_val(x-in-num),bool]
                http-request set-header X-F-Not %[hdr_val(x-in-num),not]
                http-request set-header X-F-Div0 %[int(7),div(0)]
                http-request set-header X-F-Src %[src]
                http-request set-header X-F-Net %[src,ipmask(24)]
                http-request set-header X-F-Dst %[dst]
                http-request set-header X-F-Fe %[fe_name]
                http-request set-header X-F-So %[so_name]
                http-request set-header X-F-Int %[int(42),add(1)]
                http-request set-header X-F-Str %[str(hello),upper,length]
                http-request set-header X-F-B64 %[path,base64]
                http-request set-header X-F-B64dec %[hdr(x-in-b64),b64dec,hex]
                http-request set-header X-F-Hex %[path,hex,lower]
                http-request set-header X-F-Urldec %[url_param(q),url_dec]
                http-request set-header X-F-Regsub %[path,regsub(/+,_,g)]
                http-request set-header X-F-Field %[path,field(2,/)]
                http-request set-header X-F-Field-Last %[path,field(-1,/)]
                http-request set-header X-F-Word %[path,word(2,/)]
                http-request set-header X-F-Bytes %[path,bytes(1,3)]
                http-request set-header X-F-Bytes-Past %[path,bytes(50),length]
                http-request set-header X-M-Bytes-Past 1 if { path,bytes(50) -m found }
                http-request set-header X-F-Json %[req.fhdr(x-in-text),json]
                http-request set-header X-F-Json-Utf8 %[req.fhdr(x-in-text),json(utf8s)]
                http-request set-header X-F-Map %[hdr(host),lower,map(@DIR@/hosts.map,unknown)]
                http-request set-header X-F-Map-Beg %[path,map_beg(@DIR@/prefix.map)]
                http-request set-header X-F-Map-Reg %[path,map_reg(@DIR@/regex.map)]
                http-request set-header X-F-Map-Ip %[src,map_ip(@DIR@/nets.map)]
                http-request set-header X-F-Nbsrv %[nbsrv(be_api)]
                http-request set-header X-F-Up %[srv_is_up(be_api/api1)]
                http-request set-header X-M-Str 1 if { path /api/v1/users }
                http-request set-header X-M-Ci 1 if { path -i /API/V1/USERS }
                http-request set-header X-M-Beg 1 if { path_beg /api /static }
                http-request set-header X-M-End 1 if { path_end .css }
                http-request set-header X-M-Sub 1 if { path_sub v1/u }
                http-request set-header X-M-Dir 1 if { path_dir v1 }
                http-request set-header X-M-Dom 1 if { hdr_dom(host) -i example.com }
                http-request set-header X-M-Reg 1 if { path_reg ^/api/v[0-9]+/ }
                http-request set-header X-M-Len 1 if { path_len gt 10 }
                http-request set-header X-M-Found 1 if { hdr(x-in-num) -m found }
                http-request set-header X-M-Range 1 if { hdr_val(x-in-num) 10:20 }
                http-request set-header X-M-Ops 1 if big
                http-request set-header X-M-Ip 1 if { src 127.0.0.0/8 }
                http-request set-header X-M-Bool 1 if { hdr_val(x-in-num),bool -m bool }
                http-request set-header X-M-Urlp 1 if { urlp(id) -m int ge 10 }
                http-request set-header X-M-Cook 1 if { cook_beg(sid) ab }
                http-request set-header X-M-Cnt 1 if { hdr_cnt(accept) ge 2 }
                http-request set-header X-M-Files 1 if agents
                http-request set-header X-M-Nets 1 if nets
                http-request set-header X-M-Bin 1 if { req.fhdr(x-in-text),bytes(0,2) -m bin 6122 }
                http-request set-header X-M-So 1 if { so_name public }
                http-request set-header X-P-Get 1 if METH_GET
                http-request set-header X-P-Post 1 if METH_POST
                http-request set-header X-P-Http11 1 if HTTP_1.1
                http-request set-header X-P-Http10 1 if HTTP_1.0
                http-request set-header X-P-Abs 1 if HTTP_URL_ABS
                http-request set-header X-P-Slash 1 if HTTP_URL_SLASH
                http-request set-header X-P-Content 1 if HTTP_CONTENT
                http-request set-header X-P-Local 1 if LOCALHOST
                http-request set-header X-P-Http 1 if HTTP TRUE !FALSE
                http-request set-header X-C-Or 1 if { path_beg /x } || { path_beg /api }
                http-request set-header X-C-Or-Word 1 if { path_beg /x } or { path_beg /static }
                http-request set-header X-C-Not 1 if !{ path_beg /api } METH_GET
                http-request set-header X-C-Unless 1 unless api
                use_backend be_api if api
                use_backend be_static if static
                use_backend be_admin if admin !{ hdr(x-in-num) -m found }
                default_backend be_default
            """;

    /** Requests as a client writes them, each on its own connection. */
    private static final List<String> REQUESTS = List.of(
            "GET /api/v1/users?id=42&q=a%20b HTTP/1.1\r\nHost: www.Example.com\r\nAccept: text/html, application/json"
                    + "\r\nCookie: sid=abc; a=1; a=2\r\nX-In-Num: 12\r\nUser-Agent: curl/8.0\r\n",
            "GET /static/site.css HTTP/1.1\r\nHost: static.example.com\r\nX-In-Num: 60\r\n",
            "GET /assets/img.png HTTP/1.0\r\n",
            "POST /api/v2/items HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 3\r\nX-In-Num: 200\r\n"
                    + "User-Agent: Mozilla/5.0 (X11)\r\nConnection: close\r\n\r\nabc",
            "GET http://admin.example.com/panel?x=1 HTTP/1.1\r\nHost: admin.example.com\r\n",
            "GET /x//y///z HTTP/1.1\r\nHost: admin.example.com\r\nX-In-Num: 7\r\nUser-Agent: mozilla/5.0 (x11)\r\n",
            "GET / HTTP/1.1\r\nHost: example.com\r\nX-In-B64: aGVsbG8=\r\nX-In-Text: a\"b\\c/d \u00e9t\u00e9\r\n",
            "GET /?id=7&id=9 HTTP/1.1\r\nHost: example.com\r\nAccept: a\r\nAccept: b\r\nUser-Agent: Exact/1\r\n",
            "GET /?id=7 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: EXACT/1\r\nCookie: a=x7\r\n",
            "DELETE /api/v1/users/3 HTTP/1.1\r\nHost: www.example.com\r\nCookie: sid=zzz\r\n",
            // obs-fold: the lines joined as HAProxy joins them, a folded Host checked joined like any Host.
            "GET /fold HTTP/1.1\r\nHost: example.com\r\nX-In-Text: one \r\n  two\r\nAccept: a,\r\n\tb\r\n",
            "GET /fold HTTP/1.1\r\nHost: admin.example.com\r\n  \r\n",
            "GET /fold HTTP/1.1\r\nHost: admin\r\n .example.com\r\n",
            "GET http://admin.example.com/fold HTTP/1.1\r\nHost: admin.example.com\r\n x\r\n",
            "GET /fold HTTP/1.1\r\nHost: a\r\n b\r\nHost: a\r\n");

    private static String config(int port, Path dir, List<TestServer> servers) {
        return HttpModeIT.config("""
                frontend fe
                    bind 127.0.0.1:%d name public
                """.formatted(port) + RULES.replace("@DIR@", dir.toString()) + """
                backend be_api
                    server api1 127.0.0.1:%d
                backend be_static
                    server static1 127.0.0.1:%d
                backend be_admin
                    server admin1 127.0.0.1:%d
                backend be_default
                    server default1 127.0.0.1:%d
                """.formatted(servers.get(0).port(), servers.get(1).port(), servers.get(2).port(),
                servers.get(3).port()));
    }

    private static void files(Path dir) throws Exception {
        Files.writeString(dir.resolve("nets.lst"), "# client networks\n10.0.0.0/8\n  127.0.0.1\n");
        Files.writeString(dir.resolve("exact.lst"), "Exact/1\n");
        Files.writeString(dir.resolve("agents.lst"), "MOZILLA/5.0 (X11)\n");
        Files.writeString(dir.resolve("hosts.map"), "www.example.com web\nstatic.example.com static\n");
        Files.writeString(dir.resolve("prefix.map"), "/api/v2 new\n/api old\n");
        Files.writeString(dir.resolve("regex.map"), "^/assets/.*\\.png$ image\n");
        Files.writeString(dir.resolve("nets.map"), "127.0.0.0/8 loopback\n0.0.0.0/0 world\n");
    }

    @Test
    void every_fetch_converter_and_match_gives_what_haproxy_gives() throws Exception {
        Tools.require("haproxy");
        Path dir = Bascule.workDir("sample-layer");
        files(dir);
        List<TestServer> servers = new ArrayList<>();
        for (String name : List.of("be_api/api1", "be_static/static1", "be_admin/admin1", "be_default/default1")) {
            servers.add(TestServer.start(RoutingDifferentialIT.recording(name)));
        }
        try {
            int ours = Ports.free();
            int theirs = Ports.free();
            Path cfg = Bascule.writeConfig("sample-layer", config(ours, dir, servers));
            try (Bascule proxy = Bascule.serve(cfg, ours);
                 HaproxyServer reference = HaproxyServer.start("sample-layer", config(theirs, dir, servers), theirs)) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (String request : REQUESTS) {
                    String line = request.substring(0, request.indexOf('\r'));
                    expected.add(line + "\n  -> " + exchange(theirs, request));
                    got.add(line + "\n  -> " + exchange(ours, request));
                }
                assertEquals(String.join("\n", expected), String.join("\n", got));
                String all = String.join("\n", expected);
                for (String server : List.of("be_api/api1", "be_static/static1", "be_admin/admin1",
                        "be_default/default1")) {
                    assertTrue(all.contains("server=" + server), server + " got no request:\n" + all);
                }
                assertTrue(all.contains("x-f-map:web") && all.contains("x-m-ops:1") && all.contains("x-f-so:public"),
                        "the rules ran in HAProxy too:\n" + all);
                assertTrue(all.contains("x-f-text:one     two") && all.contains("400 (answered by the proxy)"),
                        "folded lines were joined, a folded Host refused where it disagrees:\n" + all);
            }
        } finally {
            for (TestServer s : servers) {
                s.close();
            }
        }
    }

    /** Sends one request (its head's blank line added when it has none) and gives the status and the body. */
    static String exchange(int port, String request) throws Exception {
        String whole = request.contains("\r\n\r\n") ? request : request + "Connection: close\r\n\r\n";
        String reply;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(whole.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(in);
            } catch (SocketTimeoutException | java.net.SocketException cut) {
                // what came is the answer
            }
            reply = in.toString(StandardCharsets.ISO_8859_1);
        }
        int end = reply.indexOf("\r\n\r\n");
        if (end < 0) {
            return reply.isEmpty() ? "closed" : "unframed";
        }
        String status = reply.substring(0, reply.indexOf("\r\n")).split(" ")[1];
        String body = reply.substring(end + 4);
        return status + " " + (body.startsWith("server=") ? body.replace(" x-", "\n     x-") : "(answered by the proxy)");
    }
}
