package dev.bascule.core.proxyprotocol;

/** The PROXY protocol's constants (haproxy's doc/proxy-protocol.txt), shared by the parser and the encoder. */
final class HeaderFormat {
    /** A version 1 header's longest form, CRLF included. */
    static final int V1_MAX = 107;
    static final byte[] V1_PREFIX = {'P', 'R', 'O', 'X', 'Y', ' '};
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Signature, version and command, family, length. */
    static final int V2_FIXED = 16;
    /**
     * The longest version 2 header accepted: a header must fit HAProxy's buffer ({@code tune.bufsize}, 16 KiB), so a
     * peer cannot have a connection hold more than that before it is judged.
     */
    static final int V2_MAX = 16_384;
    static final int V2_VERSION = 0x20;
    static final int CMD_LOCAL = 0x00;
    static final int CMD_PROXY = 0x01;
    static final int FAM_UNSPEC = 0x00;
    static final int FAM_TCP4 = 0x11;
    static final int FAM_TCP6 = 0x21;
    static final int ADDR_LEN_TCP4 = 12;
    static final int ADDR_LEN_TCP6 = 36;

    static final int TLV_ALPN = 0x01;
    static final int TLV_AUTHORITY = 0x02;
    static final int TLV_CRC32C = 0x03;
    static final int TLV_UNIQUE_ID = 0x05;
    static final int TLV_SSL = 0x20;
    static final int SUBTLV_SSL_VERSION = 0x21;
    static final int SUBTLV_SSL_CN = 0x22;
    static final int SUBTLV_SSL_CIPHER = 0x23;
    static final int CLIENT_SSL = 0x01;
    static final int CLIENT_CERT_CONN = 0x02;
    static final int CLIENT_CERT_SESS = 0x04;
    /** HAProxy's limits on what it keeps of the authority and unique id TLVs; a longer one is an invalid header. */
    static final int AUTHORITY_MAX = 255;
    static final int UNIQUE_ID_MAX = 128;

    private HeaderFormat() {
    }
}
