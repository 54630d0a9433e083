package dev.bascule.core.tls;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.util.List;

/** A certificate's distinguished name as HAProxy's {@code ssl_c_s_dn} writes it: {@code /C=FR/O=Example/CN=www}. */
final class DistinguishedNames {
    private DistinguishedNames() {
    }

    static String openssl(X500Principal principal) {
        try {
            List<Rdn> rdns = new LdapName(principal.getName(X500Principal.RFC2253)).getRdns();
            StringBuilder out = new StringBuilder();
            // LdapName lists the root first (index 0 is RFC 2253's rightmost part), as OpenSSL's one-line form does.
            for (Rdn rdn : rdns) {
                out.append('/').append(rdn.getType()).append('=').append(rdn.getValue());
            }
            return out.toString();
        } catch (InvalidNameException e) {
            return principal.getName();
        }
    }
}
