package io.sagaline.orchestrator.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operators' actions ({@code POST /api/sagas/**}) need HTTP Basic authentication as the
 * configured operator. Everything else is open: placing and reading orders, reading sagas,
 * health, metrics and the API document. The API is stateless: no session, no CSRF token.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class SecurityConfiguration {

    static final String OPERATOR = "OPERATOR";

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain api(HttpSecurity http, JsonMapper mapper) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.POST, "/api/sagas/**")
                        .hasRole(OPERATOR)
                        .anyRequest()
                        .permitAll())
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) ->
                        problem(response, mapper, HttpStatus.UNAUTHORIZED, "Authentication required", e.getMessage())))
                .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, e) -> problem(
                                response,
                                mapper,
                                HttpStatus.UNAUTHORIZED,
                                "Authentication required",
                                "operator actions need HTTP Basic credentials"))
                        .accessDeniedHandler((request, response, e) ->
                                problem(response, mapper, HttpStatus.FORBIDDEN, "Forbidden", e.getMessage())))
                .build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService operators(AdminProperties properties, PasswordEncoder encoder) {
        List<UserDetails> users = new ArrayList<>();
        String password = properties.password();
        if (password == null || password.isBlank()) {
            log.warn("No operator password set (sagaline.admin.password, SAGALINE_ADMIN_PASSWORD): "
                    + "retry, abort and resolve are refused");
        } else {
            // An {id}-prefixed value is a hash already; anything else is hashed here, never kept in plain.
            String encoded = password.startsWith("{") ? password : encoder.encode(password);
            users.add(User.withUsername(properties.username())
                    .password(encoded)
                    .roles(OPERATOR)
                    .build());
        }
        return new InMemoryUserDetailsManager(users);
    }

    private static void problem(
            HttpServletResponse response, JsonMapper mapper, HttpStatus status, String title, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"sagaline\"");
        }
        mapper.writeValue(response.getOutputStream(), problem);
    }
}
