package io.sluice.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.spi.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the user's JSON files with errors that name the file and, for syntax errors, the line and column. */
public final class JsonFiles {
  /** One configured mapper for the whole engine: strict on duplicates, pretty on output. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private JsonFiles() {}

  /**
   * Reads a file that must hold one JSON object.
   *
   * @throws ConfigException naming the file: missing, unreadable, empty, not JSON (with line and column), or
   *     not an object
   */
  public static JsonNode readObject(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("", "Cannot read " + file + ": the file does not exist");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException("", "Cannot read " + file + ": the file is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException("", "Cannot read " + file + ": " + e.getMessage());
    }
    return parseObject(text, file.toString());
  }

  /** Parses text that must hold one JSON object; {@code origin} names it in errors. */
  public static JsonNode parseObject(String text, String origin) {
    if (text.isBlank()) {
      throw new ConfigException("", "Cannot read " + origin + ": the file is empty, expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // Jackson appends where an unclosed object started, with a source description; the location is given already.
      String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*$", "");
      throw new ConfigException("", "Cannot parse " + origin + ": not valid JSON" + where(e.getLocation()) + ": "
          + reason);
    }
    if (node == null || !node.isObject()) {
      throw new ConfigException("", "Cannot read " + origin + ": expected a JSON object ({...}), found "
          + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return node;
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** Pretty JSON text of a node, with a trailing newline. */
  public static String toText(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render JSON", e);
    }
  }
}
