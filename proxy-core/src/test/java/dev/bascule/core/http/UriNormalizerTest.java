package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction.NormalizeUri;
import dev.bascule.config.model.HttpAction.NormalizeUri.Normalizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code normalize-uri}: the examples of HAProxy 2.6's documentation, one normalizer at a time. */
class UriNormalizerTest {
    private static String n(Normalizer n, String uri) throws UriNormalizer.InvalidUri {
        return UriNormalizer.normalize(uri, new NormalizeUri(n, false));
    }

    private static String option(Normalizer n, String uri) throws UriNormalizer.InvalidUri {
        return UriNormalizer.normalize(uri, new NormalizeUri(n, true));
    }

    @Test
    void path_normalizers_change_the_path_only() throws Exception {
        assertEquals("/", n(Normalizer.PATH_STRIP_DOT, "/."));
        assertEquals("/bar/", n(Normalizer.PATH_STRIP_DOT, "/./bar/"));
        assertEquals("/a/a", n(Normalizer.PATH_STRIP_DOT, "/a/./a"));
        assertEquals("/.well-known/", n(Normalizer.PATH_STRIP_DOT, "/.well-known/"));
        assertEquals("/a/?x=/./", n(Normalizer.PATH_STRIP_DOT, "/a/./?x=/./"));

        assertEquals("/", n(Normalizer.PATH_STRIP_DOTDOT, "/foo/../"));
        assertEquals("/bar/", n(Normalizer.PATH_STRIP_DOTDOT, "/foo/../bar/"));
        assertEquals("/foo/", n(Normalizer.PATH_STRIP_DOTDOT, "/foo/bar/../"));
        assertEquals("/../bar/", n(Normalizer.PATH_STRIP_DOTDOT, "/../bar/"));
        assertEquals("/../", n(Normalizer.PATH_STRIP_DOTDOT, "/bar/../../"));
        assertEquals("/foo/", n(Normalizer.PATH_STRIP_DOTDOT, "/foo//../"));
        assertEquals("/foo/%2E%2E/", n(Normalizer.PATH_STRIP_DOTDOT, "/foo/%2E%2E/"));
        assertEquals("/bar/", option(Normalizer.PATH_STRIP_DOTDOT, "/../bar/"));
        assertEquals("/", option(Normalizer.PATH_STRIP_DOTDOT, "/bar/../../"));
        assertEquals("http://h/b?q=/a/../", n(Normalizer.PATH_STRIP_DOTDOT, "http://h/a/../b?q=/a/../"));

        assertEquals("/", n(Normalizer.PATH_MERGE_SLASHES, "//"));
        assertEquals("/foo/bar?a=//", n(Normalizer.PATH_MERGE_SLASHES, "/foo//bar?a=//"));
    }

    @Test
    void percent_normalizers_change_the_path_and_the_query() throws Exception {
        assertEquals("/admin", n(Normalizer.PERCENT_DECODE_UNRESERVED, "/%61dmin"));
        assertEquals("/foo%3Fbar=baz", n(Normalizer.PERCENT_DECODE_UNRESERVED, "/foo%3Fbar=baz"));
        assertEquals("/%66", n(Normalizer.PERCENT_DECODE_UNRESERVED, "/%%36%36"));
        assertEquals("/%ZZ?a=b", n(Normalizer.PERCENT_DECODE_UNRESERVED, "/%ZZ?a=%62"));
        assertThrows(UriNormalizer.InvalidUri.class, () -> option(Normalizer.PERCENT_DECODE_UNRESERVED, "/%%36%36"));
        assertThrows(UriNormalizer.InvalidUri.class, () -> option(Normalizer.PERCENT_DECODE_UNRESERVED, "/%ZZ"));
        assertThrows(UriNormalizer.InvalidUri.class, () -> option(Normalizer.PERCENT_DECODE_UNRESERVED, "/a%4"));

        assertEquals("/%6F", n(Normalizer.PERCENT_TO_UPPERCASE, "/%6f"));
        assertEquals("/%zz?%3A", n(Normalizer.PERCENT_TO_UPPERCASE, "/%zz?%3a"));
        assertThrows(UriNormalizer.InvalidUri.class, () -> option(Normalizer.PERCENT_TO_UPPERCASE, "/%zz"));
    }

    @Test
    void query_sort_by_name_keeps_the_order_of_one_name() throws Exception {
        assertEquals("/?a=1&b=2&c=3", n(Normalizer.QUERY_SORT_BY_NAME, "/?c=3&a=1&b=2"));
        assertEquals("/?a=1&aa=2&aaa=3", n(Normalizer.QUERY_SORT_BY_NAME, "/?aaa=3&a=1&aa=2"));
        assertEquals("/?a=3&a=1&a=2&b=4&b=5", n(Normalizer.QUERY_SORT_BY_NAME, "/?a=3&b=4&a=1&b=5&a=2"));
        assertEquals("/p", n(Normalizer.QUERY_SORT_BY_NAME, "/p"));
    }
}
