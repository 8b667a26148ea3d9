package io.sagaline.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one check every service's HTTP API passes: a request that changes state opens only to the
 * account meant for it. Without credentials, with a wrong password or an unknown user it gets 401
 * problem+json with a {@code WWW-Authenticate} challenge; with an account whose role does not reach
 * it gets 403; with the right account it works. The refused attempts come first, so the last
 * answer also shows that none of them changed anything (a second create would conflict).
 */
public final class Doors {

    /**
     * A request that changes state.
     *
     * @param path the path, from the service's root
     * @param body the JSON body, if any
     * @param headers further headers, such as an idempotency key
     */
    public record Door(String path, @Nullable String body, Map<String, String> headers) {

        public Door(String path, @Nullable String body) {
            this(path, body, Map.of());
        }

        @Override
        public String toString() {
            return "POST " + path;
        }
    }

    private Doors() {}

    /**
     * Knocks on {@code door} as a stranger and as every account but {@code opener} and the operator,
     * then opens it as {@code opener}; answers what the opener got (a 2xx).
     */
    public static ApiClient.Response assertOpensOnlyTo(ApiClient api, Door door, Credentials opener) {
        List<Map<String, String>> strangers = List.of(
                Map.of(),
                ApiClient.basic(opener.user(), "wrong-" + opener.password()),
                ApiClient.basic("nobody-" + opener.user(), opener.password()),
                Map.of("Authorization", "Bearer " + opener.password()));
        for (Map<String, String> stranger : strangers) {
            ApiClient.Response refused = knock(api, door, stranger);
            assertRefused(door, refused, 401, "credentials " + stranger.keySet());
            String challenge = refused.header("WWW-Authenticate");
            assertTrue(
                    challenge != null && challenge.startsWith("Basic"),
                    door + ": 401 without a Basic challenge: " + challenge);
        }
        List<Credentials> tooWeak = new ArrayList<>(List.of(TestAccounts.VIEWER));
        if (!opener.equals(TestAccounts.CLIENT)) {
            tooWeak.add(TestAccounts.CLIENT);
        }
        for (Credentials account : tooWeak) {
            assertRefused(door, knock(api, door, TestAccounts.header(account)), 403, "account " + account.user());
        }
        ApiClient.Response opened = knock(api, door, TestAccounts.header(opener));
        assertTrue(
                opened.status() >= 200 && opened.status() < 300,
                door + " as " + opener.user() + " answered " + opened.status() + ": " + opened.body());
        return opened;
    }

    private static ApiClient.Response knock(ApiClient api, Door door, Map<String, String> credentials) {
        Map<String, String> headers = new HashMap<>(door.headers());
        headers.putAll(credentials);
        return api.post(door.path(), door.body(), headers);
    }

    private static void assertRefused(Door door, ApiClient.Response response, int status, String who) {
        assertEquals(status, response.status(), door + " with " + who + " answered: " + response.body());
        assertEquals(
                "application/problem+json",
                response.contentType(),
                door + " with " + who + " did not answer problem+json");
        assertEquals(status, response.json().path("status").asInt(), door + " problem status, " + who);
    }
}
