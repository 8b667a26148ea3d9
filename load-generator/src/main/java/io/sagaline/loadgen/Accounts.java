package io.sagaline.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The accounts the generator calls the services with, read from the same environment variables
 * the services read ({@code SAGALINE_SECURITY_OPERATOR_PASSWORD}, ...): set-up as the operator,
 * orders as the client. Without them, the {@code local} profile's accounts that {@code ./sagaline
 * run} starts the services with.
 */
final class Accounts {

    /** One account: its user name and password. */
    record Account(String role, String user, String password) {

        static Account fromEnvironment(String role) {
            String prefix = "SAGALINE_SECURITY_" + role.toUpperCase(Locale.ROOT) + "_";
            String user = System.getenv().getOrDefault(prefix + "USERNAME", role);
            String password = System.getenv().getOrDefault(prefix + "PASSWORD", role);
            return new Account(role, user, password);
        }

        /** Its HTTP Basic {@code Authorization} header. */
        Map<String, String> header() {
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return Map.of("Authorization", "Basic " + token);
        }

        /** The environment that gives a service this account. */
        Map<String, String> environment() {
            String prefix = "SAGALINE_SECURITY_" + role.toUpperCase(Locale.ROOT) + "_";
            return Map.of(prefix + "USERNAME", user, prefix + "PASSWORD", password);
        }

        @Override
        public String toString() {
            return role + " " + user;
        }
    }

    static final Account OPERATOR = Account.fromEnvironment("operator");
    static final Account CLIENT = Account.fromEnvironment("client");

    private Accounts() {}
}
