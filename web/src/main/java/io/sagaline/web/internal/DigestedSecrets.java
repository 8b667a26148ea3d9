package io.sagaline.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Passwords given in plain in the configuration, kept as their SHA-256 digest and compared in
 * constant time. They are secrets a deployment generates and hands to a client, not passwords a
 * person chose, so a slow hash would buy nothing but CPU on every request: bcrypt at its default
 * strength costs tens of milliseconds per call, more than an order's whole saga. Whoever prefers
 * it configures a {@code {bcrypt}...} hash instead.
 */
final class DigestedSecrets implements PasswordEncoder {

    static final String ID = "sha256";

    @Override
    public String encode(@Nullable CharSequence rawPassword) {
        return HexFormat.of().formatHex(digest(rawPassword));
    }

    @Override
    public boolean matches(@Nullable CharSequence rawPassword, @Nullable String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(encodedPassword);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(digest(rawPassword), expected);
    }

    private static byte[] digest(@Nullable CharSequence raw) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(raw).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
