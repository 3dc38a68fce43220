"""The folium map itself: a ``folium.Map`` whose page (a branca ``Figure``) shows its header at
once, loads the map's scripts without blocking it, and gives every element a stable id, so the
same map saves to the same bytes.

Nothing here knows about cloud regions: ``cloudmap.render.elements`` adds those.
"""

from __future__ import annotations

__all__ = [
    "AssetLoader",
    "CloudFigure",
    "CloudMap",
    "Raw",
    "number_elements",
    "render_macros",
    "script",
    "static",
]

import html
import importlib.resources
from collections.abc import Iterator, Mapping
from typing import Any

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.template import Template

from cloudmap.mapdata import script_json

# How long the page waits for the map's scripts before it says the network is slow (the
# request may still answer: the map then draws as usual).
SLOW_MS = 1500


def static(name: str) -> str:
    """A file of the package's static/ folder (our own scripts and styles)."""
    return (importlib.resources.files("cloudmap") / "static" / name).read_text(encoding="utf-8")


def script(name: str) -> str:
    """One of our scripts (static/js/``name``) as the page carries it: without indentation,
    comment lines and comment blocks that start a line. Line breaks stay (no statement changes
    meaning); our scripts have no multi-line strings (tests/test_render.py checks), the one
    place where leading spaces could matter."""
    out, in_block = [], False
    for line in static(f"js/{name}").splitlines():
        text = line.strip()
        if in_block:
            in_block = "*/" not in text
            continue
        if text.startswith("/*"):
            in_block = "*/" not in text
            continue
        if text and not text.startswith("//"):
            out.append(text)
    return "\n".join(out) + "\n"


class Raw(Element):
    """Text put into the page as it is (our own scripts and styles; never catalog text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **_kwargs: Any) -> str:  # branca's signature
        return self.text


def render_macros(element: MacroElement, figure: Figure, kwargs: dict[str, Any]) -> None:
    """What branca's MacroElement.render does (links, then the header, html and script macros
    into the page, then the children), except that the macros' output goes in as text: branca
    wraps it in an Element whose constructor compiles it as a Jinja template again, so catalog
    text such as ``{{ 7*7 }}`` would be evaluated (and ``{% raw %}`` would break the page)."""
    for name, url in getattr(element, "default_js", ()):
        figure.header.add_child(JavascriptLink(url), name=name)
    for name, url in getattr(element, "default_css", ()):
        figure.header.add_child(CssLink(url), name=name)
    macros = element._template.module.__dict__
    for part, target in (
        ("header", figure.header),
        ("html", figure.html),
        ("script", figure.script),
    ):
        macro = macros.get(part)
        if macro is not None:
            target.add_child(Raw(str(macro(element, kwargs))), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def number_elements(root: Element) -> None:
    """Give every element under ``root`` (ours, folium's and a user's) an id from its position
    in the tree, in place of branca's random one: the page's bytes then depend on the map only.
    Ids are read when the page is rendered, so this may run just before."""
    for i, element in enumerate(_walk(root)):
        element._id = f"{i:04d}"


class AssetLoader:
    """Which scripts and styles a page loads and how: from their URLs (``inline`` empty), or
    inlined from the given texts by URL (a self-contained page)."""

    def __init__(self, inline: Mapping[str, str] | None = None) -> None:
        self.inline = dict(inline or {})

    def split(
        self, links: list[JavascriptLink | CssLink]
    ) -> tuple[list[str], list[str], list[str]]:
        """(script URLs to fetch, style URLs to fetch, inline tags) for the figure's links."""
        scripts, styles, tags = [], [], []
        for link in links:
            url = str(link.url)
            css = isinstance(link, CssLink)
            if url in self.inline:
                tag = "style" if css else "script"
                tags.append(f"<{tag}>{self.inline[url]}</{tag}>")
            elif css:
                styles.append(url)
            else:
                scripts.append(url)
        return scripts, styles, tags


_FIGURE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ this.title or "Map" }}</title>
{{ inline_assets }}
{{ preloads }}
<script>{{ boot | safe }}
cloudmapBoot.load({{ scripts | safe }}, {{ styles | safe }}, {{ slow_ms }});</script>
{{ header }}
</head>
<body>
{{ this.html.render(**kwargs) }}
<script>
cloudmapBoot.run(function () {
{{ this.script.render(**kwargs) }}
});
</script>
</body>
</html>
"""
)


def preload_links(scripts: list[str], styles: list[str]) -> str:
    """``<link rel="preload">`` for the assets the boot script loads: the browser's preload
    scanner fetches them while the page is still being parsed (the boot script's own requests
    start only when it runs), and a preload never blocks rendering, so a hanging CDN still
    leaves the header and its message on screen."""
    links = [(url, "style") for url in styles] + [(url, "script") for url in scripts]
    return "\n".join(
        f'<link rel="preload" href="{html.escape(url, quote=True)}" as="{kind}">'
        for url, kind in links
    )


class CloudFigure(Figure):
    """A branca Figure for a full page: the header shows before any script has loaded (scripts
    and styles load asynchronously, in order, and the map's code runs once they have; a slow or
    failed network is said on the page), every element gets a stable id, and assets may be
    inlined (``loader``)."""

    def __init__(self, *, title: str | None = None, loader: AssetLoader | None = None) -> None:
        super().__init__(title=title)
        self._name = "Figure"
        self.header._children.clear()  # branca's http-equiv meta: the template has <meta charset>
        self.loader = loader or AssetLoader()

    def render(self, **kwargs: Any) -> str:
        number_elements(self)
        for child in self._children.values():
            child.render(**kwargs)
        links: list[JavascriptLink | CssLink] = []
        rest: list[Element] = []
        for element in self.header._children.values():
            if isinstance(element, JavascriptLink | CssLink):
                links.append(element)
            else:
                rest.append(element)
        scripts, styles, tags = self.loader.split(links)
        return str(
            _FIGURE.render(
                this=self,
                kwargs=kwargs,
                inline_assets="\n".join(tags),
                preloads=preload_links(scripts, styles),
                boot=script("boot.js"),
                scripts=script_json(scripts),
                styles=script_json(styles),
                slow_ms=SLOW_MS,
                header="\n".join(e.render(**kwargs) for e in rest),
            )
        )


class CloudMap(folium.Map):
    """A ``folium.Map`` on a ``CloudFigure`` page: Leaflet (folium's pinned version) and nothing
    else by default — jQuery, Bootstrap and the awesome-markers icons folium loads for its
    ``Icon`` are added only when an element of the map needs them. Everything folium offers
    (``add_child``, ``fit_bounds``, layers, plugins) works as on any folium map."""

    default_js = [folium.Map.default_js[0]]  # ("leaflet", jsDelivr URL of folium's version)
    default_css = [folium.Map.default_css[0]]

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
                #{{ this.get_name() }} {
                    position: {{ this.position }};
                    width: {{ this.width[0] }}{{ this.width[1] }};
                    height: {{ this.height[0] }}{{ this.height[1] }};
                    left: {{ this.left[0] }}{{ this.left[1] }};
                    top: {{ this.top[0] }}{{ this.top[1] }};
                }
                .leaflet-container { font-size: {{ this.font_size }}; }
            </style>
            <script>
                L_NO_TOUCH = {{ this.global_switches.no_touch|tojson }};
                L_DISABLE_3D = {{ this.global_switches.disable_3d|tojson }};
            </script>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map {{ this.css_class }}" id={{ this.get_name()|tojson }}
                role="region" aria-label={{ this.label|tojson }}></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{ this.options|tojavascript }}
                }
            );
            {%- if this.control_scale %}
            L.control.scale().addTo({{ this.get_name() }});
            {%- endif %}
            {%- if this.zoom_control_position %}
            L.control.zoom({ position: {{ this.zoom_control|tojson }} }).addTo({{ this.get_name() }});
            {%- endif %}
            {% if this.objects_to_stay_in_front %}
            function objects_in_front() {
                {%- for obj in this.objects_to_stay_in_front %}
                    {{ obj.get_name() }}.bringToFront();
                {%- endfor %}
            };
            {{ this.get_name() }}.on("overlayadd", objects_in_front);
            $(document).ready(objects_in_front);
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        title: str | None = None,
        label: str = "Map",
        css_class: str = "",
        loader: AssetLoader | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.css_class = css_class
        CloudFigure(title=title, loader=loader).add_child(self)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's returns None
        """Folium's own assets for elements that need them (an ``Icon`` needs Bootstrap, Font
        Awesome and awesome-markers; ``keep_in_front`` needs jQuery), then the map."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        names = {type(e).__name__ for e in _walk(self)}
        wanted = []
        if names & {"Icon", "BeautifyIcon"}:
            wanted = [n for n, _ in folium.Map.default_js + folium.Map.default_css]
        elif self.objects_to_stay_in_front:
            wanted = ["jquery"]
        for name, url in folium.Map.default_js:
            if name in wanted:
                figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in folium.Map.default_css:
            if name in wanted:
                figure.header.add_child(CssLink(url), name=name)
        render_macros(self, figure, kwargs)
