package nc.opt.waits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.RestClientRequestValidator;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.MessageHelper;
import org.apache.camel.support.http.RestUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP API's request checks, from its contract (openapi/opt-waits-api.yaml), before a route sees
 * the request: Camel's clientRequestValidation calls it with what the contract says of the operation.
 * In this order: the x-apikey header of an operation that declares it (401: none, a wrong one, or no
 * key configured); the Content-Type (415) and Accept (406) headers; the required headers and query
 * parameters; a body where one is required (400). Refusals are {"error": "..."} with no request header
 * sent back. What a body holds (JSON or not, each field) is the operation's route's to check: its
 * 400 names the first wrong field. A request that passes goes on with its path parameters decoded.
 */
public class ApiRequestValidator implements RestClientRequestValidator {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestValidator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String API_KEY = "x-apikey";

    private String apiKey = "";

    @Override
    public ValidationError validate(Exchange exchange, ValidationContext context) {
        ValidationError error = check(exchange, context);
        if (error != null) {
            // the answer goes out as it is: no header of the request (x-apikey included) goes back
            exchange.getMessage().removeHeaders("*");
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        } else {
            decodePathParameters(exchange);
        }
        return error;
    }

    private ValidationError check(Exchange exchange, ValidationContext context) {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (orNone(context.requiredHeaders()).stream().anyMatch(API_KEY::equalsIgnoreCase)
                && (apiKey.isEmpty() || !apiKey.equals(in.getHeader(API_KEY, String.class)))) {
            LOG.warn("HTTP {} {} refused: no or wrong x-apikey", method, in.getHeader(Exchange.HTTP_URI));
            return refusal(401, "missing or wrong x-apikey header");
        }
        String contentType = ExchangeHelper.getContentType(exchange);
        if (!RestUtil.isValidOrAcceptedContentType(context.consumes(), contentType)) {
            return refusal(415, "the body must be sent as " + context.consumes() + ", not " + contentType);
        }
        String accept = in.getHeader("Accept", String.class);
        if (!RestUtil.isValidOrAcceptedContentType(context.produces(), accept)) {
            return refusal(406, "the answer is " + context.produces() + ", the Accept header asks for " + accept);
        }
        for (String header : orNone(context.requiredHeaders())) {
            if (in.getHeader(header) == null) {
                return refusal(400, "the header " + header + " is missing");
            }
        }
        for (String parameter : orNone(context.requiredQueryParameters())) {
            if (in.getHeader(parameter) == null) {
                return refusal(400, "the query parameter " + parameter + " is missing");
            }
        }
        if (context.requiredBody()) {
            String body = in.getBody() == null ? null : MessageHelper.extractBodyAsString(in);
            MessageHelper.resetStreamCache(in);
            if (body == null || body.isEmpty()) {
                return refusal(400, "the body is missing: " + expectedBody(exchange, method));
            }
        }
        return null;
    }

    /** "POST /readings takes <the request body's description in the contract>" */
    static String expectedBody(Exchange exchange, String method) {
        Map.Entry<String, PathItem> path = contractPath(exchange);
        Operation operation = path == null ? null : path.getValue().readOperationsMap()
                .get(PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
        if (operation != null && operation.getRequestBody() != null && operation.getRequestBody().getDescription() != null) {
            return method + " " + path.getKey() + " takes " + operation.getRequestBody().getDescription();
        }
        return method + " " + requestPath(exchange) + " takes a JSON body (GET /openapi.yaml)";
    }

    /**
     * The path parameters of the contract, percent-decoded in their headers: the rest-openapi consumer
     * (Camel 4.17) leaves them as sent (commune/LE%20MONT-DORE), platform-http's own routes did not.
     */
    static void decodePathParameters(Exchange exchange) {
        Map.Entry<String, PathItem> path = contractPath(exchange);
        if (path == null) {
            return;
        }
        List<Parameter> parameters = new ArrayList<>(orNone(path.getValue().getParameters()));
        path.getValue().readOperations().forEach(operation -> parameters.addAll(orNone(operation.getParameters())));
        Message in = exchange.getMessage();
        for (Parameter parameter : parameters) {
            String value = "path".equals(parameter.getIn()) ? in.getHeader(parameter.getName(), String.class) : null;
            if (value != null && value.contains("%")) {
                try {
                    in.setHeader(parameter.getName(), URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    // left as sent: the route's checks refuse it, naming it
                }
            }
        }
    }

    /** the path of the contract the request is for (its template and item), or null */
    static Map.Entry<String, PathItem> contractPath(Exchange exchange) {
        OpenAPI api = exchange.getProperty("CamelRestOpenAPI", OpenAPI.class);
        if (api == null || api.getPaths() == null) {
            return null;
        }
        String at = requestPath(exchange);
        return api.getPaths().entrySet().stream()
                .filter(template -> at.matches(template.getKey().replaceAll("\\{[^/}]+}", "[^/]+")))
                .findFirst().orElse(null);
    }

    static String requestPath(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
        return (path.startsWith("/") ? "" : "/") + path;
    }

    static <T> Collection<T> orNone(Collection<T> values) {
        return values == null ? List.of() : values;
    }

    /** The JSON answer to a request a route refused, {"error": message}, from the exception the route caught. */
    public static String error(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // only the messages of the project's own checks (readings, thresholds: an IllegalArgumentException
        // naming the field and the reason, maybe wrapped by Camel's bean call) go out; never a class or stack
        while (caught != null && !(caught instanceof IllegalArgumentException) && caught.getCause() != caught) {
            caught = caught.getCause();
        }
        return errorBody(caught != null && caught.getMessage() != null ? caught.getMessage() : "bad request");
    }

    static ValidationError refusal(int status, String message) {
        return new ValidationError(status, errorBody(message));
    }

    /** {"error": message}: the body of every refusal, the contract's and the routes' */
    private static String errorBody(String message) {
        try {
            return JSON.writeValueAsString(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** the key every request of an operation that declares the x-apikey header must send; none: all refused */
    public void setApiKey(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey;
    }
}
