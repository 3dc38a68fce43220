"""The footprint's parts as folium elements: each a small ``MacroElement`` (as folium's own
plugins are) whose script calls one of our JavaScript modules (``cloudmap/static/js``) with the
map's footprint. ``Footprint`` holds the data and must be added first; the others draw from it,
and each may be left out or added to any ``CloudMap``.

    >>> m = CloudMap()
    >>> Footprint(map_data(view)).add_to(m)
    >>> RegionMarkers().add_to(m); Legend().add_to(m)
"""

from __future__ import annotations

__all__ = [
    "CloudElement",
    "ComparePanel",
    "CountryShading",
    "Footprint",
    "Fullscreen",
    "Header",
    "LayerPanel",
    "Legend",
    "MarketOutlines",
    "OverviewMap",
    "PanelLayout",
    "Popups",
    "ProviderPanel",
    "RegionMarkers",
    "Search",
    "Timeline",
]

from collections.abc import Sequence
from typing import Any

from branca.element import Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.raster_layers import TileLayer
from folium.template import Template

from cloudmap.assets import asset_url
from cloudmap.mapdata import MapData, script_json, wire
from cloudmap.render.page import Raw, render_macros, script, static

CORE = "core.js"


class CloudElement(JSCSSMixin, MacroElement):
    """One part of the footprint map: its script is ``cloudmap.<call>(app, <args>)``, where the
    app is the map's ``Footprint``; ``modules`` are the static/js files it needs, put into the
    page once each, before the first script that uses them."""

    modules: tuple[str, ...] = ()
    call = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            cloudmap.{{ this.call }}(cloudmap.appOf({{ this._parent.get_name() }}){{ this.args_js }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = type(self).__name__

    @property
    def args_js(self) -> str:
        """Further arguments of the call, as JavaScript (``""``: none)."""
        return ""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's returns None
        figure = self.get_root()
        assert isinstance(figure, Figure), "add the element to a map first"
        figure.header.add_child(Raw(f"<style>{static('map.css')}</style>"), name="cloudmap-css")
        for module in (CORE, *self.modules):
            figure.script.add_child(Raw(script(module)), name=f"cloudmap-{module}")
        render_macros(self, figure, kwargs)


class Footprint(CloudElement):
    """The footprint of a view: the data (``cloudmap.mapdata.map_data``) every other element
    draws, the first view and the world copies. ``details_src``: a file the page loads once
    the map is up instead of carrying what only popups need."""

    modules = ("mapview.js",)
    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <script type="application/json" id="{{ this.get_name() }}-data">{{ this.json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = cloudmap.app(
                {{ this._parent.get_name() }}, "{{ this.get_name() }}-data", {{ this.options }});
            cloudmap.mapView({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: MapData, *, details_src: str | None = None) -> None:
        super().__init__()
        self.data = data
        self.details_src = details_src

    @property
    def json(self) -> str:
        return script_json(wire(self.data))

    @property
    def options(self) -> str:
        return script_json({"detailsSrc": self.details_src})


class Header(CloudElement):
    """The page's header above the map: title, the selection's totals on the date (kept current
    by the page as the date or selection changes), links, downloads, and the messages shown
    when the map's scripts are slow or fail to load."""

    modules = ("header.js",)
    call = "header"
    _template = Template(
        """
        {% macro html(this, kwargs) %}
<a class="cm-skip" href="#cm-search-input">Skip to the map search</a>
<header class="cm-header">
<h1>{{ this.heading|e }}</h1>
<p class="cm-totals" id="cm-totals" aria-live="polite" aria-atomic="true"><span class="cm-who">{{ this.who|e }}</span> on <time datetime="{{ this.on_iso|e }}">{{ this.on_human|e }}</time>: <b>{{ this.totals.regions|e }}</b> {{ "region" if this.totals.regions == 1 else "regions" }}, <b>{{ this.totals.zones|e }}{{ "+" if this.totals.zones_unknown }}</b> {{ "zone" if this.totals.zones == 1 and not this.totals.zones_unknown else "zones" }} in <b>{{ this.totals.countries|e }}</b> {{ "country" if this.totals.countries == 1 else "countries" }}; <b>{{ this.totals.announced|e }}</b> announced</p>
<nav class="cm-links" aria-label="Pages and downloads">
{%- for label, href in this.links %}
<a href="{{ href|e }}">{{ label|e }}</a>
{%- endfor %}
{%- if this.downloads %}
<details class="cm-downloads"><summary>Download data</summary><ul>
{%- for label, href, note in this.downloads %}
<li><a href="{{ href|e }}" download>{{ label|e }}</a>{% if note %} <span class="cm-note">{{ note|e }}</span>{% endif %}</li>
{%- endfor %}
</ul></details>
{%- endif %}
</nav>
</header>
<div id="cm-loading" class="cm-load-note cm-loading" role="status">Loading the map…</div>
<div id="cm-slow" class="cm-load-note" role="status" hidden>Loading the map from {{ this.cdn_host|e }} is taking long. The header and the <a href="changelog.html">changelog</a> work without it; for a copy that needs no network, build the self-contained page (<code>cloudmap build --self-contained</code>).</div>
<div id="cm-fail" class="cm-fail" role="alert" hidden>
<h2>The map could not load</h2>
<p>This page draws the map with Leaflet, loaded from a CDN (<span id="cm-fail-url">{{ this.cdn_host|e }}</span>), which did not answer: you may be offline, or a network filter blocks it.</p>
<p>For a copy that works offline, build the self-contained page (<code>npm ci &amp;&amp; cloudmap build --self-contained</code>), or use the data directly: the links above (changelog, downloads) work without the map.</p>
</div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            cloudmap.header(cloudmap.appOf({{ this._parent.get_name() }}));
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        heading: str,
        who: str,
        on_iso: str,
        on_human: str,
        totals: dict[str, Any],
        links: Sequence[tuple[str, str]] = (),
        downloads: Sequence[tuple[str, str, str]] = (),
        cdn_host: str = "cdn.jsdelivr.net",
    ) -> None:
        super().__init__()
        self.heading, self.who, self.on_iso, self.on_human = heading, who, on_iso, on_human
        self.totals = totals
        self.links = list(links)
        self.downloads = list(downloads)
        self.cdn_host = cdn_host

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's returns None
        """As any element, but its HTML goes first in the page's body (before the map)."""
        super().render(**kwargs)
        figure = self.get_root()
        assert isinstance(figure, Figure)
        name = self.get_name()
        html = figure.html._children.pop(name)
        figure.html.add_child(html, name=name, index=0)


class CountryShading(CloudElement):
    """The countries: the offline basemap and the shading by live zones or estimated RTT (one at
    a time), over the street tiles of ``tiles`` (a TileLayer added with ``show=False``: the page
    adds it once one probe tile loads) when given."""

    modules = ("countries.js",)
    call = "countries"

    def __init__(self, tiles: TileLayer | None = None) -> None:
        super().__init__()
        self.tiles = tiles

    @property
    def args_js(self) -> str:
        return f", {{tiles: {self.tiles.get_name() if self.tiles is not None else 'null'}}}"


class MarketOutlines(CloudElement):
    """Each expansion market as an outline of its own colour and dash pattern."""

    modules = ("countries.js",)
    call = "markets"


class OverviewMap(CloudElement):
    """An overview map in the corner (Leaflet-MiniMap) showing the basemap the map shows."""

    modules = ("countries.js",)
    call = "overview"
    default_js = [
        ("Control.MiniMap.js", asset_url("leaflet-minimap", "dist/Control.MiniMap.min.js"))
    ]
    default_css = [
        ("Control.MiniMap.css", asset_url("leaflet-minimap", "dist/Control.MiniMap.min.css"))
    ]


class RegionMarkers(CloudElement):
    """Every region and announced site: the provider's shape, filled by the status on the day
    shown, with its live zones; clustered (Leaflet.markercluster)."""

    modules = ("markers.js",)
    call = "markers"
    default_js = [
        (
            "leaflet.markercluster",
            asset_url("leaflet.markercluster", "dist/leaflet.markercluster.js"),
        )
    ]
    default_css = [
        ("MarkerCluster.css", asset_url("leaflet.markercluster", "dist/MarkerCluster.css"))
    ]


class Popups(CloudElement):
    """Popups of places and countries, kept clear of the map's controls."""

    modules = ("popups.js",)
    call = "popups"


class Search(CloudElement):
    """Search by region id, name, city, country or provider (the first control: Tab reaches it
    first), and the zoom buttons."""

    modules = ("panels.js", "search.js")
    call = "search"


class ProviderPanel(CloudElement):
    """Which providers show, each with its marker shape and counted live regions."""

    modules = ("panels.js", "providers.js")
    call = "providersPanel"


class LayerPanel(CloudElement):
    """Basemap, places, country shading and market outlines."""

    modules = ("panels.js", "layers.js")
    call = "layersPanel"


class ComparePanel(CloudElement):
    """The providers side by side per market, and each country's nearest region of each."""

    modules = ("panels.js", "compare.js")
    call = "comparePanel"


class Legend(CloudElement):
    """Statuses with their counts (each toggles its markers), marks and shading colours."""

    modules = ("panels.js", "legend.js")
    call = "legend"


class Timeline(CloudElement):
    """Every dated change as a step; Play; a date box to go to any day."""

    modules = ("panels.js", "timeline.js")
    call = "timeline"


class PanelLayout(CloudElement):
    """Places the panels: in two corners on a desktop, in one bottom dock on a phone."""

    modules = ("panels.js",)
    call = "layout"


class Fullscreen(JSCSSMixin, MacroElement):
    """A full-screen button (leaflet.fullscreen), as folium's ``plugins.Fullscreen`` draws it,
    its assets from the npm package our pages pin (folium's plugin package costs a tenth of a
    second to import, for one button)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.control.fullscreen({{ this.options|tojavascript }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    default_js = [
        ("Control.Fullscreen.js", asset_url("leaflet.fullscreen", "Control.FullScreen.js"))
    ]
    default_css = [
        ("Control.FullScreen.css", asset_url("leaflet.fullscreen", "Control.FullScreen.css"))
    ]

    def __init__(self, **options: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Fullscreen"
        self.options = options

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's returns None
        figure = self.get_root()
        assert isinstance(figure, Figure), "add the element to a map first"
        render_macros(self, figure, kwargs)
