package dev.bascule.core.auth;

import dev.bascule.config.model.Userlist;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code userlist} ready to check a request's Basic credentials (HAProxy's {@code check_user}). A crypt(3) hash is
 * slow on purpose (SHA-512-crypt: 5000 rounds, a few milliseconds), and the check runs on the request's event loop:
 * so credentials once found valid are remembered, by the header's value, and the next request that sends them is
 * answered from memory. Only valid ones are: a wrong password costs its hash each time, as in HAProxy. The memory is
 * bounded (emptied when full) and lives as long as the generation.
 */
public final class UserlistCheck {
    /** How many valid credentials are remembered before the memory is emptied. */
    static final int MAX_REMEMBERED = 1024;

    private final Map<String, Userlist.User> users = new HashMap<>();
    /** Valid credentials by the Authorization value that carried them; read by every event loop. */
    private final Map<String, Userlist.User> verified = new ConcurrentHashMap<>();

    public UserlistCheck(Userlist model) {
        model.users().forEach(u -> users.put(u.name(), u));
    }

    /**
     * The user whose name and password an {@code Authorization} header's value carries in the Basic scheme, when
     * they are this list's; null for none, another scheme, malformed credentials or a wrong password.
     */
    public Userlist.User authenticate(String authorization) {
        if (authorization == null) {
            return null;
        }
        Userlist.User known = verified.get(authorization);
        if (known != null) {
            return known;
        }
        String credentials = basic(authorization);
        int colon = credentials == null ? -1 : credentials.indexOf(':');
        if (colon < 0) {
            return null;
        }
        Userlist.User u = users.get(credentials.substring(0, colon));
        if (u == null || u.password() == null || !valid(u.password(), credentials.substring(colon + 1))) {
            return null;
        }
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(authorization, u);
        return u;
    }

    /** How many credentials are remembered now. */
    int remembered() {
        return verified.size();
    }

    private static boolean valid(Userlist.Password p, String password) {
        return switch (p.kind()) {
            case INSECURE -> MessageDigest.isEqual(p.value().getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8));
            case HASH -> Crypt.matches(password, p.value());
        };
    }

    /** The decoded {@code user:password} of a Basic value, or null. */
    private static String basic(String authorization) {
        String v = authorization.strip();
        if (v.length() < 6 || !v.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(v.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
