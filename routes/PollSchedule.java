package nc.opt.waits;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Which ticks of the elected poller poll: periods are aligned on the epoch (poll.period-ms), and a
 * period is polled once, at the first tick in it, whichever instance leads. The start (epoch ms) of
 * the last period claimed is written, under a file lock, to a marker shared by the instances before
 * the poll starts: a new leader never polls again a period its predecessor polled, and a leader
 * killed mid-poll loses that period rather than have it polled twice.
 */
public class PollSchedule {
    private static final Logger LOG = LoggerFactory.getLogger(PollSchedule.class);

    private long periodMillis = 60_000;
    private long tickMillis = 1_000;
    private Path markerFile;
    /** the start (epoch ms) of the last period claimed here */
    private volatile long lastClaimed = -1;

    /** True when this tick starts the poll of a period not polled yet by any instance (then claimed). */
    public boolean claim(Exchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        long period = Math.floorDiv(now, periodMillis) * periodMillis;
        // not in a period's last tick: its poll's time (@timestamp) must fall in the period it claims
        if (period <= lastClaimed || now - period > periodMillis - tickMillis) {
            return false;
        }
        Files.createDirectories(markerFile.toAbsolutePath().getParent());
        try (FileChannel marker = FileChannel.open(markerFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock ignored = marker.lock()) {
            ByteBuffer read = ByteBuffer.allocate(64);
            marker.read(read, 0);
            String text = new String(read.array(), 0, read.position(), StandardCharsets.US_ASCII).trim();
            long marked = text.isEmpty() ? -1 : Long.parseLong(text);
            if (marked >= period) {
                lastClaimed = marked;
                return false;
            }
            marker.truncate(0);
            marker.write(ByteBuffer.wrap(String.valueOf(period).getBytes(StandardCharsets.US_ASCII)), 0);
            marker.force(true);
            if (lastClaimed < 0 || marked > lastClaimed) {
                LOG.info("Poller: this instance polls from the period of {} on (last period polled before: {})",
                        Instant.ofEpochMilli(period), marked < 0 ? "none" : Instant.ofEpochMilli(marked));
            }
            lastClaimed = period;
        }
        exchange.setProperty("pollPeriodStart", Instant.ofEpochMilli(period));
        return true;
    }

    /** The start of the last period this instance claimed, or null. */
    public Instant lastClaimed() {
        long claimed = lastClaimed;
        return claimed < 0 ? null : Instant.ofEpochMilli(claimed);
    }

    public void setPeriodMillis(long periodMillis) {
        this.periodMillis = periodMillis;
    }

    public void setTickMillis(long tickMillis) {
        this.tickMillis = tickMillis;
    }

    public void setMarkerFile(String markerFile) {
        this.markerFile = Path.of(markerFile);
    }
}
