"""Word lists and quote marks, in one place, each with the reason it exists.

The extractors read them to find spans; the shared labelling pass (``sayso.assemble``) reads them
to give every extractor's statements the same kind, hedge and cue class.
"""

from __future__ import annotations

#: Speech-act verbs (lemmas) that introduce what someone said, wrote or reported.
SPEECH_VERBS = frozenset(
    """
    say tell claim assert report state insist deny warn reiterate add announce argue explain
    note write tweet post suggest acknowledge admit confirm declare urge ask reply respond
    comment remark predict promise vow pledge threaten accuse allege contend maintain emphasize
    emphasise stress underline testify concede complain charge demand recall indicate reveal
    disclose estimate mention propose recommend caution hint repeat signal quip joke boast
    brag counter retort rebut dispute protest lament concede observe opine proclaim assure
    inform advise notify brief answer query question wonder speculate tout praise criticize
    criticise blast slam condemn decry dismiss reject scoff concur agree predict forecast
    announce instruct order command insist allege acknowledge show find cite echo describe
    liken attack mention decline refuse defend express direct relay underscore summarize
    summarise sum
    """.split()
)

#: Internal-state verbs: beliefs, wishes and intentions, kept apart from speech acts.  The rule
#: extractor takes these as cues (with a clause for content).
THOUGHT_VERBS = frozenset(
    """
    believe think feel want hope fear expect doubt worry wish suspect assume consider
    reckon guess imagine know realize realise understand intend prefer trust anticipate
    """.split()
)

#: Every cue lemma labelled ``thought`` by the shared pass, for every extractor: the verbs above
#: and others a learned extractor may take as cues.  "agree", "support" and "oppose" are stances
#: people state, so they are speech.
THOUGHT_LEMMAS = THOUGHT_VERBS | frozenset(
    "suppose figure recognize recognise remember forget plan regard view see".split()
)

#: Verbs whose content can be their direct object or a for/of/against phrase, not only a clause
#: ("demanded guarantees", "called for Trump to reduce sanctions", "warned of a crisis").
OBJECT_CONTENT_VERBS = frozenset(
    """
    demand deny urge call warn promise pledge vow threaten propose recommend request
    seek ask announce confirm reject dismiss criticize criticise praise condemn blame
    accuse say repeat echo mention cite reveal acknowledge admit describe attack defend
    """.split()
)

#: Prepositions that introduce content after an OBJECT_CONTENT_VERB ("call for", "warn of").
CONTENT_PREPOSITIONS = {
    "call": frozenset({"for"}),
    "warn": frozenset({"of", "against", "about"}),
    "ask": frozenset({"for", "about"}),
    "accuse": frozenset({"of"}),
    "blame": frozenset({"for"}),
    "complain": frozenset({"about", "of"}),
    "criticize": frozenset({"for"}),
    "criticise": frozenset({"for"}),
    "praise": frozenset({"for"}),
}

#: "call" alone is a phone call; it is a cue only with one of CONTENT_PREPOSITIONS["call"].
NEEDS_PREPOSITION = frozenset({"call"})

#: Verbs whose direct object is the person told (the addressee), not the content.
ADDRESSEE_OBJECT_VERBS = frozenset(
    "tell inform assure warn urge ask brief remind notify advise promise instruct order".split()
)

#: Verbs that take "to X" as the addressee ("said to reporters", "wrote to Congress").
ADDRESSEE_TO_VERBS = frozenset(
    "say explain write speak announce complain report reply respond admit confess".split()
)

#: Cue lemmas by which the reporter distances itself from the claim.  "insist", "maintain" and
#: "assert" report how firmly the source speaks, not the reporter's doubt: not hedges.
HEDGE_VERBS = frozenset({"claim", "allege", "purport", "contend"})

#: Adverbs that hedge the attribution they modify.
HEDGE_ADVERBS = frozenset(
    {
        "reportedly",
        "apparently",
        "allegedly",
        "purportedly",
        "supposedly",
        "ostensibly",
        "seemingly",
    }
)

#: Hedge adverbs that attribute a claim to unnamed others: each is a cue of its own whose content
#: is the clause it modifies ("UNESCO reportedly said …" is the reporter's hearsay of a
#: statement).  CofeNet tags them so where no other cue is near; "apparently" and "seemingly"
#: are the writer's inference, not hearsay.
HEDGE_CUE_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "reputedly"})

#: Nouns that name the medium of a statement ("in a statement", "at a news conference").
CHANNEL_NOUNS = frozenset(
    """
    statement interview tweet post letter release briefing conference rally speech op-ed
    editorial column email memo video broadcast podcast blog message note address remarks
    testimony hearing appearance readout call telegram
    """.split()
)

#: Named platforms and media that are channels in their own right ("on Facebook").
PLATFORMS = frozenset(
    """
    facebook twitter x telegram instagram youtube tiktok truth social weibo vk linkedin
    reddit substack threads bluesky mastodon television tv radio website blog cnn fox msnbc
    """.split()
)

#: Headline cue words (title case headlines are often mis-tagged, so these are matched as words).
HEADLINE_CUES = frozenset(
    """
    says say claims claim tells tell warns warn denies deny insists insist reports report
    asserts assert admits admit confirms confirm urges urge vows vow accuses accuse
    announces announce reveals reveal suggests suggest argues argue demands demand
    """.split()
)

#: Pronouns that can be the source of a statement and need an antecedent.
PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "him", "her", "them"})

#: Double quote marks: opening, closing, and the ambiguous straight mark.
OPEN_DOUBLE = frozenset({"\u201c", "\u201e", "\u00ab"})
CLOSE_DOUBLE = frozenset({"\u201d", "\u00bb"})
STRAIGHT_DOUBLE = '"'
#: Every character that opens or closes a double quotation.
QUOTE_CHARS = frozenset(OPEN_DOUBLE | CLOSE_DOUBLE | {STRAIGHT_DOUBLE})
#: Quote tokens as the learned model's features see them: real marks and the Penn-Treebank
#: forms of PolNeAR/CofeNet text (``\`\``` and ``''``).  Changing them changes the model's features.
TOKEN_OPEN_QUOTES = ("\u201c", "``", "\u00ab")
TOKEN_CLOSE_QUOTES = ("\u201d", "''", "\u00bb")
TOKEN_TOGGLE_QUOTES = (STRAIGHT_DOUBLE,)

#: Words that open a "Label: text" line without naming a speaker.
COLON_LABELS = frozenset(
    """
    note update correction editor disclosure source photo photos related watch read more also
    video audio transcript background summary warning caption credit image images
    """.split()
)

#: Longest source noun phrase (in tokens) a colon attribution may have ("X: \"...\"").
MAX_COLON_SOURCE_TOKENS = 8
#: Longest headline source (in tokens) before a headline cue word.
MAX_HEADLINE_SOURCE_TOKENS = 6
#: How many sentences back a floating quote may look for its speaker.
FLOATING_QUOTE_LOOKBACK_SENTENCES = 3
#: Confidence given to floating quotes, which continue the previous speaker by position only.
FLOATING_QUOTE_CONFIDENCE = 0.6

#: Cue head words that are not speech or thought, whatever an extractor thinks ("It appears
#: that", "preferring to", "aimed at", "unveiled a plan"): statements with such a cue are dropped.
NOT_CUES = frozenset(
    """
    appear seem look sound aim unveil launch prefer tend try attempt manage seek begin start
    continue stop happen
    """.split()
)

#: Phrases that are cues although their head is not a verb of the lexicons above.
CUE_PHRASES = frozenset({"according to", "quoted as saying", "in the words of"})

#: Nouns that name people or bodies who speak: a subject headed by one can be a source.
SPEAKER_NOUNS = frozenset(
    """
    official spokesman spokeswoman spokesperson minister president secretary leader source
    aide adviser advisor senator lawmaker governor mayor chief director police officer
    government ministry department agency campaign company group party committee council
    court judge lawyer attorney expert analyst witness resident protester activist critic
    supporter opponent member representative ambassador diplomat report statement study
    survey poll person people man woman official
    """.split()
)
