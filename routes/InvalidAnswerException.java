package nc.opt.waits;

/**
 * OPT's API answered something that is not a list of agencies (malformed JSON, an object, an
 * empty list): the poll has no reading to give. The answer is kept whole for the dead-letter topic.
 */
public class InvalidAnswerException extends RuntimeException {
    private final String payload;

    public InvalidAnswerException(String reason, String payload) {
        super(reason);
        this.payload = payload;
    }

    public String payload() {
        return payload;
    }
}
