package io.sagaline.testing;

import java.util.Map;

/**
 * The HTTP API accounts ({@code sagaline.security.*}) every test gives the services it starts, so
 * that a test calls a service as a deployment does: setup as the operator, orders as the client.
 * Test-only secrets, never a default of any service. {@link ServiceProperties#connect} registers
 * them.
 */
public final class TestAccounts {

    public static final String OPERATOR_PASSWORD = "test-operator-secret";
    public static final String CLIENT_PASSWORD = "test-client-secret";
    public static final String VIEWER_PASSWORD = "test-viewer-secret";

    public static final Credentials OPERATOR = new Credentials("operator", OPERATOR_PASSWORD);
    public static final Credentials CLIENT = new Credentials("client", CLIENT_PASSWORD);
    public static final Credentials VIEWER = new Credentials("viewer", VIEWER_PASSWORD);

    private TestAccounts() {}

    /** The three accounts' properties, for a process's configuration or a property registry. */
    public static Map<String, String> properties() {
        return Map.of(
                "sagaline.security.operator.password", OPERATOR_PASSWORD,
                "sagaline.security.client.password", CLIENT_PASSWORD,
                "sagaline.security.viewer.password", VIEWER_PASSWORD);
    }

    /** The same, as a process's environment variables ({@code SAGALINE_SECURITY_OPERATOR_PASSWORD}, ...). */
    public static Map<String, String> environment() {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        properties()
                .forEach((name, value) ->
                        environment.put(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
        return environment;
    }

    /** One account's HTTP Basic header, for one request. */
    public static Map<String, String> header(Credentials account) {
        return Map.of("Authorization", authorization(account));
    }

    /** The value of one account's HTTP Basic {@code Authorization} header. */
    public static String authorization(Credentials account) {
        return ApiClient.basic(account.user(), account.password()).get("Authorization");
    }
}
