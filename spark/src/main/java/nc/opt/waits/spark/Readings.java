package nc.opt.waits.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The readings as the Parquet dataset holds them: the pipeline's record (see the main project's
 * ReadingValidator), flattened, with where it came from in Kafka and the day it is filed under.
 * <pre>
 * agencyId, designation, commune, type, lat, lon (null without a position),
 * maxWaitMs, avgWaitMs, maxWaitMinutes, avgWaitMinutes, waitBand,
 * observedAt (instant), polledAt (the record's @timestamp), pollId,
 * kafkaPartition, kafkaOffset, day (yyyy-MM-dd, Noumea date of observedAt: the partition column)
 * </pre>
 * A reading is identified by (agencyId, observedAt), as the OpenSearch index of the main pipeline does.
 */
public final class Readings {
    public static final StructType SCHEMA = new StructType()
            .add("agencyId", DataTypes.IntegerType)
            .add("designation", DataTypes.StringType)
            .add("commune", DataTypes.StringType)
            .add("type", DataTypes.StringType)
            .add("lat", DataTypes.DoubleType)
            .add("lon", DataTypes.DoubleType)
            .add("maxWaitMs", DataTypes.LongType)
            .add("avgWaitMs", DataTypes.LongType)
            .add("maxWaitMinutes", DataTypes.DoubleType)
            .add("avgWaitMinutes", DataTypes.DoubleType)
            .add("waitBand", DataTypes.StringType)
            .add("observedAt", DataTypes.TimestampType)
            .add("polledAt", DataTypes.TimestampType)
            .add("pollId", DataTypes.StringType)
            .add("kafkaPartition", DataTypes.IntegerType)
            .add("kafkaOffset", DataTypes.LongType)
            .add("day", DataTypes.StringType);
    public static final String DAY = "day";
    /** the columns that identify a reading */
    public static final String[] KEY = {"agencyId", "observedAt"};

    private Readings() {
    }

    /**
     * One Kafka record's JSON as a row; IllegalArgumentException when it is not a reading (no agency
     * id, no observation time, no wait).
     */
    public static Row toRow(JsonNode json, int partition, long offset, ZoneId zone) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode agencyId = json.path("agencyId");
        if (!agencyId.isIntegralNumber() || !agencyId.canConvertToInt()) {
            throw new IllegalArgumentException("agencyId is not an integer: " + agencyId);
        }
        long maxWaitMs = millis(json, "maxWaitMs");
        long avgWaitMs = millis(json, "avgWaitMs");
        Instant observedAt = instant(json, "observedAt", true);
        Instant polledAt = instant(json, "@timestamp", false);
        JsonNode position = json.path("position");
        Double lat = position.path("lat").isNumber() ? position.path("lat").asDouble() : null;
        Double lon = position.path("lon").isNumber() ? position.path("lon").asDouble() : null;
        return RowFactory.create(
                agencyId.asInt(),
                text(json, "designation"),
                text(json, "commune"),
                text(json, "type"),
                lat,
                lon,
                maxWaitMs,
                avgWaitMs,
                json.path("maxWaitMinutes").isNumber() ? json.path("maxWaitMinutes").asDouble() : minutes(maxWaitMs),
                json.path("avgWaitMinutes").isNumber() ? json.path("avgWaitMinutes").asDouble() : minutes(avgWaitMs),
                text(json, "waitBand"),
                Timestamp.from(observedAt),
                polledAt == null ? null : Timestamp.from(polledAt),
                text(json, "pollId"),
                partition,
                offset,
                observedAt.atZone(zone).toLocalDate().toString());
    }

    /** As the pipeline's ReadingValidator: minutes to the hundredth. */
    static double minutes(long millis) {
        return Math.round(millis / 600.0) / 100.0;
    }

    private static long millis(JsonNode json, String field) {
        JsonNode value = json.path(field);
        if (!value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException(field + " is not a whole number of milliseconds >= 0: " + value);
        }
        return value.asLong();
    }

    private static Instant instant(JsonNode json, String field, boolean required) {
        JsonNode value = json.path(field);
        if (!value.isTextual()) {
            if (required) {
                throw new IllegalArgumentException(field + (value.isMissingNode() ? " is missing" : " is not a text: " + value));
            }
            return null;
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            if (required) {
                throw new IllegalArgumentException(field + " is not an ISO-8601 time with an offset: " + value);
            }
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
