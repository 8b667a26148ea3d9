package io.sagaline.shipment.internal;

import java.security.SecureRandom;
import org.springframework.stereotype.Component;

/**
 * Tracking numbers: {@code SGL} and 12 characters of Crockford's base 32 (60 random bits). The
 * alphabet leaves out I, L, O and U so a number read aloud or typed by hand is not misread.
 */
@Component
class TrackingNumbers {

    static final String PREFIX = "SGL";
    static final int RANDOM_CHARS = 12;
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final SecureRandom random = new SecureRandom();

    String next() {
        long bits = random.nextLong();
        var number = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            number.append(ALPHABET[(int) (bits & 31)]);
            bits >>>= 5;
        }
        return number.toString();
    }
}
