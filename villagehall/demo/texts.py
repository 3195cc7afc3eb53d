"""Writing the demo's posts and comments from the phrase lists in `words`.

A template's `{slots}` are filled from the neighbourhood it is about (its streets,
parks, venues) and from a few shared lists (days, times, things to give away), so
the same sentence reads differently from one street to the next. The same slot
twice in one text gets the same value.
"""

from dataclasses import dataclass

from villagehall.core.text import render_markdown
from villagehall.demo import words


@dataclass(frozen=True)
class Locale:
    """The named places of one neighbourhood that its posts talk about."""

    place: str
    streets: tuple[str, ...]
    parks: tuple[str, ...]
    venues: tuple[str, ...]
    library: str
    school: str
    blocks: tuple[str, ...]
    shops: tuple[str, ...]


def locale_make(rng, *, place: str, has_library: bool) -> Locale:
    """Make up the streets, parks and venues of a neighbourhood called `place`."""
    starts = rng.sample(words.STREET_STARTS, 12)
    streets = tuple(f"{start} {rng.choice(words.STREET_ENDS)}" for start in starts[:10])

    def fill(template):
        return template.format(
            start=rng.choice(starts), place=place, saint=rng.choice(words.SAINTS), street=rng.choice(streets),
            pub=rng.choice(words.PUBS), surname=rng.choice(words.SURNAMES),
        )

    parks = tuple(dict.fromkeys(fill(rng.choice(words.PARK_NAMES)) for _ in range(2)))
    library = f"{place} Library" if has_library else "the Central Library"
    venue_templates = [template for template in words.VENUE_NAMES if "Library" not in template]
    venues = tuple(fill(template) for template in rng.sample(venue_templates, 3))
    if has_library:
        venues += (library,)
    return Locale(
        place=place,
        streets=streets,
        parks=parks,
        venues=venues,
        library=library,
        school=fill(rng.choice(words.SCHOOL_NAMES)),
        blocks=tuple(fill(template) for template in rng.sample(words.BLOCK_NAMES, 2)),
        shops=tuple(fill(template) for template in words.SHOP_NAMES),
    )


class _Slots(dict):
    """Template values, chosen on first use so only the slots a template names cost anything."""

    def __init__(self, rng, locale):
        super().__init__()
        self.rng = rng
        self.locale = locale

    def __missing__(self, key):
        rng, locale = self.rng, self.locale
        match key:
            case "place":
                value = locale.place
            case "street":
                value = rng.choice(locale.streets)
            case "park":
                value = rng.choice(locale.parks)
            case "venue":
                value = rng.choice(locale.venues)
            case "library":
                value = locale.library
            case "school":
                value = locale.school
            case "block":
                value = rng.choice(locale.blocks)
            case "shop":
                value = rng.choice(locale.shops)
            case "day":
                value = rng.choice(words.DAYS)
            case "time":
                value = rng.choice(words.TIMES)
            case "number":
                value = rng.choice(words.SMALL_NUMBERS)
            case "item":
                value = rng.choice(words.GIVEAWAY_ITEMS)
            case "bus":
                value = rng.choice(words.BUS_ROUTES)
            case "trip":
                value = rng.choice(words.TRIPS)
            case _:
                raise KeyError(key)
        self[key] = value
        return value


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class TextMaker:
    """Fill templates and render them to HTML, as a person's text would be."""

    # Comments repeat often (“Thanks, that's helpful.”), so rendered HTML is kept for
    # reuse; the cache is emptied when full to keep memory bounded on the city scale.
    RENDER_CACHE_SIZE = 200_000

    def __init__(self, rng):
        self.rng = rng
        self._rendered: dict[str, str] = {}

    def fill(self, template: str, locale: Locale) -> str:
        """Return the template with its slots filled from the locale."""
        return _capitalised(template.format_map(_Slots(self.rng, locale)))

    def sentences(self, pool, locale: Locale, *, count: int) -> str:
        """Return `count` different sentences from the pool, filled and joined."""
        slots = _Slots(self.rng, locale)
        chosen = self.rng.sample(pool, min(count, len(pool)))
        return " ".join(_capitalised(sentence.format_map(slots)) for sentence in chosen)

    def post(self, *, titles, bodies, closings, locale: Locale) -> tuple[str, str]:
        """Return a title and a Markdown body: two or three sentences and a closing line."""
        rng = self.rng
        slots = _Slots(rng, locale)
        title = _capitalised(rng.choice(titles).format_map(slots))
        chosen = rng.sample(bodies, min(len(bodies), rng.choice((2, 2, 3))))
        body = " ".join(_capitalised(sentence.format_map(slots)) for sentence in chosen)
        closing = rng.choice(closings)
        if closing:
            # A short closing line sits in its own paragraph, as people tend to write it.
            body += ("\n\n" if rng.random() < 0.4 else " ") + closing
        return title, body

    def blog(self, locale: Locale) -> tuple[str, str]:
        """Return a practitioner blog post: a title and three paragraphs."""
        title = self.rng.choice(words.SERVICE_BLOG_TITLES)
        paragraphs = self.rng.sample(words.SERVICE_BLOG_PARAGRAPHS, 3)
        return title, "\n\n".join(paragraphs)

    def comment(self, pool, locale: Locale, *, used: set | None = None) -> str:
        """Return one comment from the pool, filled; one not in `used` while there are any."""
        if used is None:
            return self.fill(self.rng.choice(pool), locale)
        fresh = [template for template in pool if template not in used]
        template = self.rng.choice(fresh or pool)
        used.add(template)
        return self.fill(template, locale)

    def comment_from(self, pools, locale: Locale, *, used: set) -> str:
        """Return a comment from the first pool that has one not yet in `used`."""
        for pool in pools:
            if any(template not in used for template in pool):
                return self.comment(pool, locale, used=used)
        return self.comment(pools[0], locale, used=used)

    def html(self, markdown: str) -> str:
        """Return the body rendered exactly as the conversation services render it."""
        html = self._rendered.get(markdown)
        if html is None:
            if len(self._rendered) >= self.RENDER_CACHE_SIZE:
                self._rendered.clear()
            html = self._rendered[markdown] = render_markdown(markdown)
        return html
