package cn.gridmap.edit;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One finding of validation: an error stops an operation, a warning is shown with it. {@code message} has {@code zh}
 * and {@code en}; {@code location} is GeoJSON geometry where the problem is.
 */
public record Issue(String severity, String rule, String level, String code, String otherCode, Map<String, String> message,
        JsonNode location) {

    static Issue error(String rule, String level, String code, String otherCode, String zh, String en, JsonNode location) {
        return new Issue("error", rule, level, code, otherCode, Map.of("zh", zh, "en", en), location);
    }
}
