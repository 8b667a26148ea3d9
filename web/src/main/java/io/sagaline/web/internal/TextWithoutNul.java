package io.sagaline.web.internal;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Refuses a JSON string holding the NUL character ({@code \u0000}) as malformed input. JSON allows
 * it, PostgreSQL's text types do not: without this, a name or region with a NUL in it is accepted
 * and then fails the insert, a 500 instead of a 400 naming the field.
 */
final class TextWithoutNul extends StringDeserializer {

    /** The module that puts it in place of Jackson's string reader. */
    static SimpleModule module() {
        return new SimpleModule("sagaline-text-without-nul").addDeserializer(String.class, new TextWithoutNul());
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
        String text = super.deserialize(parser, context);
        if (text != null && text.indexOf('\u0000') >= 0) {
            return context.reportInputMismatch(String.class, "text must not contain the NUL character (\\u0000)");
        }
        return text;
    }
}
