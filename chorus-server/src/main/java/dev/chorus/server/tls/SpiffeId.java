package dev.chorus.server.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A SPIFFE ID, {@code spiffe://trust-domain/path}, and the checks the SPIFFE ID and X.509-SVID specifications ask
 * of a client certificate that carries one.
 *
 * @param trustDomain the trust domain: lower-case letters, digits, '.', '-' and '_'
 * @param path        the path, empty or starting with '/'
 */
public record SpiffeId(String trustDomain, String path) {

    private static final String SCHEME = "spiffe://";
    /** The longest SPIFFE ID the specification allows, in bytes (all its characters are ASCII). */
    private static final int MAX_LENGTH = 2048;
    private static final int MAX_TRUST_DOMAIN_LENGTH = 255;

    /** URI is the general-name type of a subject alternative name (RFC 5280). */
    private static final int SAN_URI = 6;
    private static final int KEY_USAGE_DIGITAL_SIGNATURE = 0;
    private static final int KEY_USAGE_KEY_CERT_SIGN = 5;
    private static final int KEY_USAGE_CRL_SIGN = 6;

    /**
     * Parses and checks a SPIFFE ID.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static SpiffeId parse(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID: empty (expected: spiffe://trust-domain/path)");
        }
        if (id.length() > MAX_LENGTH) {
            throw bad(id, "longer than " + MAX_LENGTH + " characters");
        }
        if (!id.startsWith(SCHEME)) {
            throw bad(id, "the scheme must be 'spiffe://'");
        }
        String rest = id.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String domain = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        String problem = trustDomainProblem(domain);
        if (problem != null) {
            throw bad(id, problem);
        }
        problem = pathProblem(path);
        if (problem != null) {
            throw bad(id, problem);
        }
        return new SpiffeId(domain, path);
    }

    /** Returns what is wrong with a trust domain name, or null when it is a valid one. */
    public static String trustDomainProblem(String domain) {
        if (domain.isEmpty()) {
            return "the trust domain is empty";
        }
        if (domain.length() > MAX_TRUST_DOMAIN_LENGTH) {
            return "the trust domain is longer than " + MAX_TRUST_DOMAIN_LENGTH + " characters";
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return switch (c) {
                    case ':' -> "the trust domain must not carry a port";
                    case '@' -> "the trust domain must not carry user information";
                    case '?' -> "a SPIFFE ID has no query";
                    case '#' -> "a SPIFFE ID has no fragment";
                    default -> "the trust domain may hold only a-z, 0-9, '.', '-' and '_' (found '" + c + "')";
                };
            }
        }
        return null;
    }

    private static String pathProblem(String path) {
        if (path.isEmpty()) {
            return null;
        }
        if (path.endsWith("/")) {
            return "the path must not end with '/'";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                return "the path must not hold empty segments ('//')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "the path must not hold '.' or '..' segments";
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                        || c == '_')) {
                    return switch (c) {
                        case '?' -> "a SPIFFE ID has no query";
                        case '#' -> "a SPIFFE ID has no fragment";
                        default -> "the path may hold only a-z, A-Z, 0-9, '.', '-', '_' and '/' (found '" + c + "')";
                    };
                }
            }
        }
        return null;
    }

    /**
     * Returns the SPIFFE ID of an X.509-SVID leaf certificate, after checking it is one: exactly one URI subject
     * alternative name, a valid SPIFFE ID with a path, not a CA, and a key usage (when present) that allows
     * signatures but not certificate or CRL signing.
     *
     * @throws IllegalArgumentException saying why the certificate is not an X.509-SVID
     */
    public static SpiffeId fromLeaf(X509Certificate leaf) {
        if (leaf.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("the certificate is a CA certificate (an SVID leaf must not be one)");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null) {
            if (usage.length > KEY_USAGE_KEY_CERT_SIGN && usage[KEY_USAGE_KEY_CERT_SIGN]
                    || usage.length > KEY_USAGE_CRL_SIGN && usage[KEY_USAGE_CRL_SIGN]) {
                throw new IllegalArgumentException("the certificate may sign certificates or CRLs (an SVID leaf must "
                        + "not)");
            }
            if (usage.length <= KEY_USAGE_DIGITAL_SIGNATURE || !usage[KEY_USAGE_DIGITAL_SIGNATURE]) {
                throw new IllegalArgumentException("the certificate's key usage lacks digitalSignature");
            }
        }
        List<String> uris = uriNames(leaf);
        if (uris.size() != 1) {
            throw new IllegalArgumentException("the certificate has " + uris.size() + " URI subject alternative "
                    + "names " + uris + " (expected: exactly one, its SPIFFE ID)");
        }
        SpiffeId id = parse(uris.getFirst());
        if (id.path().isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID '" + id + "' names a trust domain, not a workload "
                    + "(expected: a path after the trust domain)");
        }
        return id;
    }

    private static List<String> uriNames(X509Certificate cert) {
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("the certificate's subject alternative names cannot be read: "
                    + e.getMessage(), e);
        }
        List<String> uris = new ArrayList<>();
        if (names != null) {
            for (List<?> n : names) {
                if (n.size() >= 2 && n.get(0) instanceof Integer type && type == SAN_URI) {
                    uris.add(String.valueOf(n.get(1)));
                }
            }
        }
        return uris;
    }

    private static IllegalArgumentException bad(String id, String problem) {
        return new IllegalArgumentException("SPIFFE ID '" + id + "': " + problem);
    }

    /** Returns the ID as written: {@code spiffe://trust-domain/path}. */
    @Override
    public String toString() {
        return SCHEME + trustDomain + path;
    }
}
