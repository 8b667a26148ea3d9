package io.sagaline.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaline.testing.ApiClient;
import io.sagaline.testing.ProblemContract;
import io.sagaline.testing.TestAccounts;
import io.sagaline.web.ApiException;
import io.sagaline.web.InvalidField;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The shared error answers, on a small application over real HTTP. */
class ApiProblemsTest {

    private static ConfigurableApplicationContext context;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        TestAccounts.properties().forEach((name, value) -> args.add("--" + name + "=" + value));
        context = new SpringApplicationBuilder(Parcels.class).run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        api = new ApiClient("http://127.0.0.1:" + port).as(TestAccounts.OPERATOR);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void answersTheMistakesOfABodyAlike() {
        ProblemContract.assertBodyMistakes(
                api,
                "/api/parcels",
                "{\"label\": \"a\", \"grams\": \"heavy\"}",
                "grams",
                "{\"label\": \" \", \"grams\": 0}",
                List.of("grams", "label"));
    }

    @Test
    void answersTheMistakesOfAParameterAlike() {
        ProblemContract.assertParameterMistakes(api, "/api/parcels", "/api/parcels?minGrams=lots", "minGrams");
    }

    @Test
    void keepsTheStatusTitleMembersAndHeadersOfARefusal() {
        var refused = api.get("/api/parcels?minGrams=1000000");
        var invalid = api.get("/api/parcels?minGrams=-1");

        var problem = ProblemContract.assertProblem(refused, 429, "Too many parcels");
        assertThat(problem.get("detail").asString()).isEqualTo("come back later");
        assertThat(problem.get("queue").asInt()).isEqualTo(7);
        assertThat(refused.header("Retry-After")).isEqualTo("3");
        assertThat(ProblemContract.errors(ProblemContract.assertProblem(invalid, 400, ProblemContract.INVALID)))
                .containsExactly("minGrams: must not be negative");
    }

    @Test
    void answersAnUnforeseenFailureWithoutItsDetails() {
        var failed = api.get("/api/parcels/broken");

        var problem = ProblemContract.assertProblem(failed, 500, "Internal error");
        assertThat(failed.body()).doesNotContain("secret state");
        assertThat(problem.get("detail").asString()).isEqualTo("the request failed; see the server's log");
    }

    record Parcel(@NotBlank @Nullable String label, @Min(1) int grams) {}

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class Parcels {

        @PostMapping("/api/parcels")
        Parcel send(@Valid @RequestBody Parcel parcel) {
            return parcel;
        }

        @GetMapping("/api/parcels")
        List<Parcel> heavierThan(@RequestParam int minGrams) {
            if (minGrams < 0) {
                throw new InvalidField("minGrams", "must not be negative");
            }
            if (minGrams > 100_000) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many parcels", "come back later")
                        .with("queue", 7)
                        .withHeader("Retry-After", "3");
            }
            return List.of();
        }

        @GetMapping("/api/parcels/broken")
        Map<String, String> broken() {
            throw new IllegalStateException("secret state");
        }
    }
}
