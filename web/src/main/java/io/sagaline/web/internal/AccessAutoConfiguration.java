package io.sagaline.web.internal;

import io.sagaline.web.AccessProperties;
import io.sagaline.web.AccessProperties.Account;
import io.sagaline.web.AccessProperties.Reads;
import io.sagaline.web.AccessProperties.Role;
import io.sagaline.web.ClientRequests;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.json.JsonMapper;

/**
 * Locks every Sagaline HTTP API the same way: HTTP Basic against the accounts of {@link
 * AccessProperties}, no session, no CSRF token (no browser session to ride on). Health, info and
 * metrics stay open for probes and scrapers; the rest:
 *
 * <ul>
 *   <li>reads ({@code GET}, {@code HEAD}): anyone, or with {@code sagaline.security.reads=viewer}
 *       any account;
 *   <li>the {@link ClientRequests} a service declares: its client or its operator;
 *   <li>every other request: the operator.
 * </ul>
 *
 * Refusals are problem+json: 401 with {@code WWW-Authenticate} without valid credentials, 403 for
 * an account whose role does not reach.
 */
@AutoConfiguration(
        before = {
            ServletWebSecurityAutoConfiguration.class,
            ManagementWebSecurityAutoConfiguration.class,
            UserDetailsServiceAutoConfiguration.class
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(AccessProperties.class)
public class AccessAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AccessAutoConfiguration.class);

    @Bean
    SecurityFilterChain sagalineAccess(
            HttpSecurity http,
            AccessProperties properties,
            ObjectProvider<ClientRequests> clientRequests,
            JsonMapper mapper)
            throws Exception {
        String[] anyAccount = names(Role.values());
        // No credentials, a wrong password, an unknown user or another scheme: one answer.
        AuthenticationEntryPoint unauthorized = (request, response, e) -> problem(
                response,
                mapper,
                HttpStatus.UNAUTHORIZED,
                "Authentication required",
                request.getMethod() + " " + request.getRequestURI() + " needs valid HTTP Basic credentials");
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> {
                    requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                    requests.requestMatchers(
                                    HttpMethod.GET, "/actuator/health/**", "/actuator/info", "/actuator/prometheus")
                            .permitAll();
                    clientRequests
                            .orderedStream()
                            .forEach(allowed -> requests.requestMatchers(
                                            allowed.method(), allowed.paths().toArray(String[]::new))
                                    .hasAnyRole(names(Role.CLIENT, Role.OPERATOR)));
                    for (HttpMethod read : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
                        var reads = requests.requestMatchers(read);
                        if (properties.reads() == Reads.OPEN) {
                            reads.permitAll();
                        } else {
                            reads.hasAnyRole(anyAccount);
                        }
                    }
                    requests.anyRequest().hasRole(Role.OPERATOR.name());
                })
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((request, response, e) -> problem(
                                response,
                                mapper,
                                HttpStatus.FORBIDDEN,
                                "Forbidden",
                                "this account may not " + request.getMethod() + " " + request.getRequestURI())))
                .build();
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(AccessProperties properties, JsonMapper mapper) {
        var registration = new FilterRegistrationBean<>(new RequestSizeLimit(properties.maxRequestSize(), mapper));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Picked up by Spring Boot's JSON mapper: request bodies and, through it, message payloads. */
    @Bean
    JacksonModule textWithoutNul() {
        return TextWithoutNul.module();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new DelegatingPasswordEncoder(
                DigestedSecrets.ID,
                Map.of(DigestedSecrets.ID, new DigestedSecrets(), "bcrypt", new BCryptPasswordEncoder()));
    }

    @Bean
    UserDetailsService sagalineAccounts(AccessProperties properties, PasswordEncoder encoder) {
        Map<Role, Account> accounts = properties.accounts();
        List<UserDetails> users = new ArrayList<>();
        accounts.forEach((role, account) -> users.add(User.withUsername(account.username())
                .password(encoded(role, account, encoder))
                .roles(role.name())
                .build()));
        if (!accounts.containsKey(Role.OPERATOR)) {
            log.warn("No operator password (sagaline.security.operator.password, SAGALINE_SECURITY_OPERATOR_PASSWORD):"
                    + " this service is read-only, every change answers 401");
        }
        log.info(
                "HTTP API accounts: {}; reads {}",
                accounts.isEmpty() ? "none" : accounts.keySet(),
                properties.reads() == Reads.OPEN ? "open to anyone" : "need an account");
        return new InMemoryUserDetailsManager(users);
    }

    private static String encoded(Role role, Account account, PasswordEncoder encoder) {
        String password = String.valueOf(account.password());
        if (!password.startsWith("{")) {
            return encoder.encode(password); // digested here, never kept as given
        }
        // An {id}-prefixed value is a hash already.
        String id = password.substring(1, Math.max(1, password.indexOf('}')));
        if (!id.equals(DigestedSecrets.ID) && !id.equals("bcrypt")) {
            throw new IllegalArgumentException(role.property() + ".password starts with {" + id
                    + "}, which is not a hash this service knows: give the secret in plain, or as {bcrypt}... or {"
                    + DigestedSecrets.ID + "}<hex>");
        }
        return password;
    }

    private static String[] names(Role... roles) {
        return Arrays.stream(roles).map(Role::name).toArray(String[]::new);
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
