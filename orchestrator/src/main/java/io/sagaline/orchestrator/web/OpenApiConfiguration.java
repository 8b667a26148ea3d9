package io.sagaline.orchestrator.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at {@code /v3/api-docs}, browsable at {@code /swagger-ui.html}. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI sagalineApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Sagaline orchestrator API")
                        .version("v1")
                        .description("Place orders and operate their sagas. Errors are application/problem+json "
                                + "(RFC 9457). Operator actions (POST /api/sagas/{id}/...) need HTTP Basic."))
                .components(new Components()
                        .addSecuritySchemes(
                                "operator",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("basic")));
    }
}
