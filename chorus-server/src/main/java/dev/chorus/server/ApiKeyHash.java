package dev.chorus.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A salted SHA-256 hash of an API key, written {@code sha256:SALT:HASH} (both URL-safe base64, no padding). Each
 * key has its own random 16-byte salt. Keys Chorus makes are 32 random bytes, so a fast hash is as strong as a
 * slow one against guessing, and it costs each request microseconds, not the milliseconds of a key-stretching
 * function. The tenants file holds only these hashes, never keys.
 */
public final class ApiKeyHash {

    /** What every key hash starts with. */
    public static final String PREFIX = "sha256:";
    /** What keys made by {@link #newKey()} start with, so they are recognisable in a leaked text. */
    public static final String KEY_PREFIX = "chorus_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] salt;
    private final byte[] hash;

    private ApiKeyHash(byte[] salt, byte[] hash) {
        this.salt = salt;
        this.hash = hash;
    }

    /** Returns a new random key: {@code chorus_} and 32 random bytes in URL-safe base64. */
    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return KEY_PREFIX + B64.encodeToString(b);
    }

    /** Hashes {@code key} with a new random salt. */
    public static ApiKeyHash of(String key) {
        if (key == null || key.strip().length() < 16) {
            throw new IllegalArgumentException("key: " + (key == null ? "null" : key.strip().length()
                    + " characters") + " (expected: at least 16 characters)");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new ApiKeyHash(salt, digest(salt, key.strip()));
    }

    /**
     * Parses a hash as the tenants file holds it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ApiKeyHash parse(String text) {
        String t = text == null ? "" : text.strip();
        String[] parts = t.split(":", -1);
        if (parts.length != 3 || !t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("key hash: '" + abbreviate(t)
                    + "' (expected: sha256:SALT:HASH, as 'chorus tenants hash-key' prints)");
        }
        try {
            byte[] salt = B64D.decode(parts[1]);
            byte[] hash = B64D.decode(parts[2]);
            if (salt.length < 8 || hash.length != 32) {
                throw new IllegalArgumentException("sizes");
            }
            return new ApiKeyHash(salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key hash: '" + abbreviate(t) + "' (expected: a salt of at least 8 "
                    + "bytes and a 32-byte hash, both in URL-safe base64, as 'chorus tenants hash-key' prints)");
        }
    }

    /** Tells whether {@code key} is the key this hash was made from; the comparison takes constant time. */
    public boolean matches(String key) {
        return MessageDigest.isEqual(hash, digest(salt, key));
    }

    /** Returns the hash as the tenants file holds it. */
    @Override
    public String toString() {
        return PREFIX + B64.encodeToString(salt) + ":" + B64.encodeToString(hash);
    }

    static byte[] digest(byte[] salt, String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            return md.digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 20) + "..." : s;
    }
}
