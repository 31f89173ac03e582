"""Every constant that tunes stories, near-duplicates and claims, with the reason for its value."""

from __future__ import annotations

# --- near-duplicates ---------------------------------------------------------------------------

#: Words per shingle for MinHash.  Four words survive light edits (a changed word spoils only
#: the four shingles around it) yet two different readouts of one kind rarely share many.
SHINGLE_WORDS = 4

#: MinHash permutations; with ``DUPLICATE_BANDS`` bands of ``PERMUTATIONS // DUPLICATE_BANDS``
#: rows, two texts become candidates from a Jaccard similarity of about (1/16)^(1/4) = 0.5.
PERMUTATIONS = 64
DUPLICATE_BANDS = 16

#: Estimated Jaccard similarity of shingles from which an article is a near-duplicate of an
#: earlier one: the same article as .txt and .html scores above 0.9, syndicated copies with a
#: different header or footer 0.75-0.9, two White House readouts of different calls below 0.35.
DUPLICATE_JACCARD = 0.7

#: The seed of the MinHash permutations: stored signatures stay comparable across runs.
MINHASH_SEED = 11

# --- stories -----------------------------------------------------------------------------------

#: Articles this many days apart or less may report the same event: the White House readout of
#: an evening call is dated that day in Washington, the Kyiv and Moscow accounts the same day
#: or the next (UTC); an announcement counts from the day it names.  A window of two days let
#: a leader's calls of consecutive days meet (Zelenskyy-Blinken on 7 December, Biden-Zelenskyy
#: on the 9th); recurring calls of the same leaders are at least six days apart.
WINDOW_DAYS = 1

#: A story spans at most this many days: a new article joins only when it is within the window
#: of the story's first article, so that a chain of daily articles never grows one story.
STORY_MAX_DAYS = 2

#: An announcement ("On February 15, Vladimir Putin will hold talks ...") is grouped with the
#: event it announces when that day is at most this many days after its publication.
ANNOUNCED_MAX_DAYS = 31

#: A government's own leader and country: its headlines leave his acts without a subject
#: ("Telephone conversation with President of France Emmanuel Macron" on en.kremlin.ru is
#: Putin's), and its accounts name both everywhere, so neither tells its events apart: (text
#: found in the outlet name, surname, country).  The governments of the readouts collection;
#: an outlet not listed has neither.
PRINCIPALS: tuple[tuple[str, str, str], ...] = (
    ("President of Russia", "Putin", "Russia"),
    ("Kremlin", "Putin", "Russia"),
    ("President of Ukraine", "Zelenskyy", "Ukraine"),
    ("White House", "Biden", "United States"),
)

#: Characters from the start of an article in which "after talks with French President
#: Emmanuel Macron" names a party of the event it reports (the Kyiv office's items quote
#: Zelenskyy first and say where he spoke a few sentences later).
PARTY_CHARS = 1200

#: Characters from the start of an article (headline and first sentence) whose names weigh most: who
#: met or called whom is said there, background mentions come later.
LEAD_CHARS = 250

#: Weight of a name found in the headline or lead relative to one only in the body.
LEAD_WEIGHT = 8.0

#: Names kept per article for blocking and similarity, heaviest first.
MAX_KEYS = 20

#: Weighted cosine similarity of two articles' names from which the newer joins the older's
#: story (tuned on the dev events of the stories gold with the readouts collection as
#: distractors; see BENCHMARKS.md).
JOIN_SIMILARITY = 0.45

#: Similarity given to two articles whose parties (the people and places their leads name
#: besides their outlet's own leader and country) are one within the other and share a rare
#: one: "Russian-Indian talks" and "Vladimir Putin arrived in New Delhi ... talks with Prime
#: Minister of India Narendra Modi" share few names but the same party.  0 turns it off.
PARTY_MATCH = 0.45

#: A shared party is rare when at most this many of the articles near a new one name it
#: ("India" among the Kremlin's items of two days; not "Russia" among Kyiv's).  Dev pairwise F1
#: is the same from 5 to 12.
PARTY_MAX_DF = 8

# --- claims ------------------------------------------------------------------------------------

#: Similarity of two mentions of different articles from which they carry the same claim
#: (lexical and embedding scores combined; tuned on the dev events of the stories gold).
CLAIM_SIMILARITY = 0.5

#: A weaker similarity that still joins two mentions of two articles when the best one-to-one
#: matching of the two articles' mentions pairs them: two accounts of one call paraphrase
#: each other point by point (dev alignment F1 0.50 -> 0.62; mutual best matches 0.59).
MUTUAL_SIMILARITY = 0.3

#: The matching pairs only the articles of different outlets: two governments' readouts of one
#: call go over the same points, but one government's items on one event each take a different
#: part of it (the signed documents, the news conference), and matching them pairs leftovers.
MATCH_ACROSS_OUTLETS = True

#: Similarity from which two mentions of one article are one claim (a narrated point repeated
#: in a quotation, "share a common vision of current threats ..." twice); above any pair of
#: different points of one article.
SAME_ARTICLE_SIMILARITY = 0.6

#: A pair kept by the matching alone must share a content word or an amount: in two long
#: transcripts the matching otherwise pairs leftovers that only sound alike.
MATCH_NEEDS_WORD = True

#: Weight of the MiniLM cosine in the combined claim similarity (the rest is lexical: the
#: rarity-weighted share of content words, over the shorter mention).
EMBEDDING_WEIGHT = 0.7

#: MiniLM reads the mentions of a story only when it has at least this many articles (near-
#: duplicates left out).  One article's claims are its own points, with nothing to compare
#: across accounts: words alone join its repeats, and the story is compared again, with
#: MiniLM, when a second account joins it.  MiniLM is about 99% of the claims pass's cost (53.7
#: CPU-s against 0.5 without it for 96 one-article Wikinews stories, where extracting them took
#: 11.3), and most stories of a large run have one article.
EMBED_MIN_ARTICLES = 2

#: MiniLM reads a mention without its framing words ("gratitude to the United States for",
#: "reaffirmed the commitment of"), which every account repeats around different points.
EMBED_CORE = True

#: Two mentions sharing a content word that no other mention of the story has ("lasted",
#: "Normandy") get this much added to their similarity.
RARE_MATCH = 0.1

#: ... "no other mention": a word in at most this many mentions of the story.
RARE_DF = 2

#: Two mentions naming the same amount ("$225 million" / "USD 225 million") are at least this
#: similar: the same package, however differently the accounts thank for it or announce it.
AMOUNT_MATCH = 0.9

#: Two versions of a claim conflict on a negation or a number only when this share of the
#: shorter one's content words is in the other too (one statement worded twice, not two
#: loosely similar sentences of a long transcript).
CONFLICT_OVERLAP = 0.5

#: Every narrated sentence is a mention, not only those with an act verb ("It lasted a bit
#: over an hour." is a point both the White House and the Kremlin make).
EVERY_SENTENCE = True

#: A statement whose content runs over several sentences gives one mention per sentence: each
#: says its own thing, and another account may carry any one of them alone.
SPLIT_STATEMENTS = True

#: A sentence that passes from one point to the next (", as well as", ", but", ";") gives one
#: mention per point: accounts that carry only one of them align with that one.
SPLIT_CLAUSES = True

#: Longest narrated sentence taken as a claim, in characters (longer ones are paragraphs that
#: the sentence splitter could not break).
MAX_CLAIM_CHARS = 600

#: Shortest statement content taken as a claim, in characters ("Yes.", "Thank you." say nothing
#: to compare).
MIN_CLAIM_CHARS = 25

# --- the claims pass in worker processes ---------------------------------------------------------

#: Stories of several accounts in flight per claims worker (``compare_stale(jobs=N)``; each
#: is one task, a second or more of MiniLM): two keep a worker busy while this process stores
#: claims; more would only hold more accounts in memory.
CLAIMS_TASKS_PER_WORKER = 2

#: Stories whose claims may wait to be stored in order behind one still computed (one-article
#: stories are compared here in milliseconds while a worker reads a long transcript).
CLAIMS_PENDING = 256
