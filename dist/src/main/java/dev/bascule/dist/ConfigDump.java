package dev.bascule.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bascule.config.model.Config;

/**
 * {@code -c --dump-config json}: the parsed model as JSON, in the shape docs/config-model.md describes.
 * Tooling and the reload diff read it, so a change of shape bumps {@code formatVersion}.
 */
final class ConfigDump {
    static final int FORMAT_VERSION = 1;

    private ConfigDump() {
    }

    static String json(Config config) throws java.io.IOException {
        ObjectMapper mapper = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);
        ObjectNode root = mapper.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.setAll((ObjectNode) mapper.valueToTree(config));
        // What the names resolved to is this machine's answer, not the configuration (see Hosts).
        root.remove("hosts");
        return mapper.writeValueAsString(root) + "\n";
    }
}
