"""The engine's only hand-written language knowledge: event, facility, unit and investment words.

Place, market and currency names, scale words ("milliards", "亿", "억") and list conjunctions
come from Babel, pycountry and GeoNames (see places.py, markets.py, money.py). What no library
has is the vocabulary of the news itself: the verbs that say a data centre opened, will open,
is closing or expands, the nouns for regions, zones and data centres, and the words that mark a
figure as an investment. They are listed here per language as regular-expression fragments, one
list per role, so a reviewer can read all of it in one place. Latin-script fragments are matched
case-insensitively and whole-word; CJK fragments anywhere.
"""

from __future__ import annotations

__all__ = ["LEXICON", "Lexicon"]

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    """Regular-expression fragments of one language, by role."""

    facility: tuple[str, ...]  # what opens or closes: data centre, region, zone
    open: tuple[str, ...]  # starts operating (opened; planned when a future marker is near)
    close: tuple[str, ...]  # announced closure, tenseless or future (closing)
    closed: tuple[str, ...]  # past closure (closed; closing when a future marker is near)
    plan: tuple[str, ...]  # plans, construction (planned)
    expand: tuple[str, ...]  # more capacity where it already operates (expanding)
    weak_plan: tuple[str, ...]  # "announced": planned only when no other event word is in the sentence
    future: tuple[str, ...]  # markers of the future / intention near an open or closed word
    invest: tuple[str, ...]  # marks a money figure as an investment
    total: tuple[str, ...]  # marks a lone zone or region count as a footprint total
    zone_unit: tuple[str, ...]  # "availability zones" after a count
    region_unit: tuple[str, ...]  # "regions" after a count
    counter: tuple[str, ...] = ()  # classifiers between a number and its noun (个, 개, の)
    venue: tuple[str, ...] = ()  # a place after/before these hosts an event or an office, not a site
    future_side: str = "before"  # where future markers stand: before the verb, after it, or both
    list_glue: tuple[str, ...] = ()  # articles/prepositions allowed between listed names ("en", "aux")


LEXICON: dict[str, Lexicon] = {
    "en": Lexicon(
        venue=(r"held in", r"hosted in", r"took place in", r"(?:summit|conference|event|forum|expo) in", r"based", r"headquartered in", r"headquarters in"),
        list_glue=(r"the", r"in", r"and", r"or", r"as well as", r"plus"),
        facility=(r"data ?cent(?:er|re)s?", r"(?:cloud )?regions?", r"availability zones?", r"zones?",
                  r"facilit(?:y|ies)", r"infrastructure", r"cloud (?:computing )?(?:hub|presence)s?",
                  r"(?:computing |server )?capacity"),
        open=(r"open(?:s|ed|ing)?", r"launch(?:es|ed|ing)?", r"went live", r"goes live", r"go live",
              r"live", r"beg[ai]n(?:s)? operat\w*", r"began serving", r"start(?:s|ed)? operat\w*",
              r"came online", r"come online", r"brought online", r"inaugurat\w+", r"entered service",
              r"operational", r"debut(?:s|ed)?", r"switched on", r"unveil(?:s|ed)?"),
        close=(r"clos(?:e|es|ing)", r"shut(?:s|ting)? down", r"shutdown", r"wind(?:s|ing)? down",
               r"exit(?:s|ing)?", r"stop(?:s|ping)? serving", r"cease(?:s)?", r"phas(?:e|es|ing) out",
               r"decommission(?:s|ing)?", r"retir(?:e|es|ing)", r"pull(?:s|ing)? out"),
        closed=(r"closed", r"shut down", r"ceased(?: operations)?", r"wound down", r"exited",
                r"decommissioned", r"retired", r"stopped serving", r"phased out", r"pulled out"),
        plan=(r"plan(?:s|ned|ning)?", r"to build", r"will build", r"building", r"under construction",
              r"intends?", r"upcoming", r"set to"),
        expand=(r"expand(?:s|ed|ing)?", r"expansion", r"add(?:s|ed|ing)?", r"additional",
                r"more capacity", r"extra capacity", r"scal(?:e|es|ing) up", r"boost(?:s|ed|ing)?",
                r"increas(?:e|es|ed|ing) capacity", r"grow(?:s|ing)? (?:its|their) (?:footprint|presence)"),
        weak_plan=(r"announc(?:e|es|ed|ing)", r"unveil(?:s|ed)?"),
        future=(r"will", r"would", r"to", r"plans?", r"planned", r"set to", r"expected", r"next year",
                r"by the end of", r"later this year", r"upcoming", r"shall", r"soon", r"aims?",
                r"is due", r"are due", r"within (?:the next )?\w+ years?", r"over the (?:next|coming) \w+"),
        invest=(r"invest\w*", r"spend\w*", r"spent", r"capital expenditure", r"capex", r"pledg\w+",
                r"commit\w*", r"budget\w*", r"fund(?:s|ed|ing)?", r"outlay"),
        total=(r"worldwide", r"global(?:ly)?", r"in total", r"across the world", r"around the world",
               r"footprint", r"totals?", r"altogether", r"now (?:has|operates|runs|spans)"),
        zone_unit=(r"(?:availability )?zones?", r"AZs?"),
        region_unit=(r"(?:cloud )?regions?",),
    ),
    "fr": Lexicon(
        venue=(r"organisée? à", r"tenue? à", r"s['’]est tenue?", r"bas[ée]e? à", r"siège", r"(?:sommet|conférence|salon|forum)(?: mondial| annuel(?:le)?)? (?:à|de)"),
        future_side="both",
        list_glue=(r"en", r"au", r"aux", r"à", r"le", r"la", r"les", r"l['’]", r"et", r"ou", r"ainsi qu['’]en", r"ainsi que"),
        facility=(r"centres? de données", r"data ?cent(?:er|re)s?", r"régions?(?: cloud)?",
                  r"zones? de disponibilité", r"infrastructures?", r"campus", r"capacités?"),
        open=(r"ouvr(?:e|ent|ir|ira|iront)", r"a ouvert", r"ont ouvert", r"ouverte?s?", r"ouverture",
              r"inaugur\w+", r"lanc(?:e|ent|er|era|eront|é|ée|és|ées)", r"a lancé", r"ont lancé",
              r"mis(?:e|es)? en service", r"entr\w+ en service", r"opérationnel(?:le)?s?",
              r"en service", r"démarr\w+"),
        close=(r"ferm(?:e|ent|er|era|eront|eture)", r"cesser(?:a|ont)?", r"arrêter(?:a|ont)?",
               r"quitter(?:a|ont)?", r"mettre fin", r"mettra fin", r"désaffect(?:e|er|era)"),
        closed=(r"a fermé", r"ont fermé", r"fermée?s?", r"a cessé", r"ont cessé", r"cessé",
                r"a quitté", r"désaffecté(?:e|es|s)?", r"a mis fin"),
        plan=(r"prévoi(?:t|ent)", r"prévue?s?", r"projette(?:nt)?", r"projet(?:s)?", r"construir\w*",
              r"en construction", r"envisag\w+", r"compte(?:nt)? ouvrir"),
        expand=(r"étend(?:re|ra)?", r"extension", r"expansion", r"renforc\w+", r"ajout\w+",
                r"capacités? supplémentaires?", r"supplémentaires?", r"agrandi\w*", r"accroît\w*",
                r"accroîtr\w+"),
        weak_plan=(r"annonc\w+", r"dévoil\w+"),
        future=(r"va", r"vont", r"prévoi(?:t|ent)", r"prévue?s?", r"projette(?:nt)?", r"compte(?:nt)?",
                r"d'ici", r"ouvrira", r"ouvriront", r"lancera", r"lanceront", r"fermera", r"fermeront",
                r"sera", r"seront", r"prochaine?s?", r"l'an prochain", r"l'année prochaine", r"devrai(?:t|ent)",
                r"doit", r"doivent", r"entrera", r"entreront", r"cessera", r"cesseront", r"d'ici à"),
        invest=(r"invest\w*", r"dépens\w*", r"engag\w+", r"consacr\w+", r"enveloppe", r"budget\w*",
                r"mis(?:e|es)? sur la table", r"financ\w+"),
        total=(r"mondial(?:e|es|ement)?", r"dans le monde", r"au total", r"à travers le monde", r"empreinte",
               r"désormais", r"au niveau mondial", r"à l'échelle mondiale"),
        zone_unit=(r"zones? de disponibilité", r"zones?"),
        region_unit=(r"régions?",),
    ),
    "es": Lexicon(
        venue=(r"celebrad[oa]s? en", r"realizad[oa]s? en", r"con sede en", r"(?:cumbre|conferencia|foro|evento)(?: global| anual)? (?:en|de)"),
        future_side="both",
        list_glue=(r"en", r"el", r"la", r"los", r"las", r"y", r"e", r"o", r"así como"),
        facility=(r"centros? de datos", r"data ?cent(?:er|re)s?", r"regi(?:ón|ones)(?: de nube)?",
                  r"zonas? de disponibilidad", r"infraestructuras?", r"campus", r"capacidad(?:es)?"),
        open=(r"abr(?:e|en|ir|irá|irán|ió|ieron)", r"ha abierto", r"han abierto", r"abiert[oa]s?",
              r"apertura", r"inaugur\w+", r"lanz(?:a|an|ar|ará|arán|ó|aron)", r"ha lanzado",
              r"puesta en marcha", r"p(?:uso|usieron|ondrá|ondrán) en marcha", r"entr\w+ en (?:funcionamiento|operación|servicio)",
              r"comenz\w+ a operar", r"empez\w+ a operar", r"en funcionamiento", r"en operación",
              r"operativ[oa]s?"),
        close=(r"cierr(?:a|an|e)", r"cerrar(?:á|án)?", r"dejar(?:á|án)? de (?:operar|funcionar|prestar)",
               r"abandonar(?:á|án)?", r"dar de baja", r"dará de baja", r"retirar(?:á|án)?",
               r"clausurar(?:á|án)?"),
        closed=(r"cerró", r"cerraron", r"ha cerrado", r"han cerrado", r"cerrad[oa]s?", r"dejó de operar",
                r"clausur(?:ó|aron|ad[oa]s?)", r"dio de baja", r"dado de baja", r"se retiró", r"abandonó"),
        plan=(r"planea(?:n)?", r"plan(?:es)?", r"prevé(?:n)?", r"previst[oa]s?", r"proyect(?:a|an|o|os)",
              r"construir(?:á|án)?", r"construcción", r"tiene previsto"),
        expand=(r"amplí(?:a|an)", r"ampliar(?:á|án)?", r"ampliación", r"expand\w*", r"expansión",
                r"añad\w+", r"sumar(?:á|án)", r"capacidad adicional", r"adicional(?:es)?",
                r"más capacidad", r"reforz\w+", r"refuerz\w+", r"crec\w+"),
        weak_plan=(r"anunci\w+", r"present[óo]"),
        future=(r"va a", r"van a", r"prevé(?:n)?", r"planea(?:n)?", r"tiene previsto", r"previst[oa]s?",
                r"abrirá", r"abrirán", r"inaugurará", r"lanzará", r"pondrá", r"entrará", r"cerrará",
                r"cerrarán", r"dejará", r"próxim[oa]s?", r"el próximo año", r"a finales de",
                r"en los próximos", r"será", r"serán", r"deberá"),
        invest=(r"invert\w*", r"inversi(?:ón|ones)", r"invierte(?:n)?", r"invertirá(?:n)?", r"gast\w+",
                r"destin\w+", r"compromet\w*", r"compromiso", r"presupuesto", r"desembols\w+"),
        total=(r"mundial(?:es|mente)?", r"en (?:todo )?el mundo", r"en total", r"global(?:es|mente)?",
               r"huella", r"ahora (?:tiene|opera|suma|cuenta)"),
        zone_unit=(r"zonas? de disponibilidad", r"zonas?"),
        region_unit=(r"regi(?:ón|ones)",),
    ),
    "pt": Lexicon(
        venue=(r"realizad[oa]s? em", r"sediad[oa]s? em", r"com sede em", r"(?:cúpula|conferência|evento|fórum)(?: global| anual)? (?:em|de)"),
        future_side="both",
        list_glue=(r"em", r"no", r"na", r"nos", r"nas", r"o", r"a", r"os", r"as", r"e", r"ou", r"bem como"),
        facility=(r"centros? de dados", r"data ?cent(?:er|re)s?", r"regi(?:ão|ões)(?: de nuvem)?",
                  r"zonas? de disponibilidade", r"infraestruturas?", r"campus", r"capacidades?"),
        open=(r"abr(?:e|em|ir|irá|irão|iu|iram)", r"abert[oa]s?", r"abertura", r"inaugur\w+",
              r"lanç(?:a|am|ou|aram)", r"lançar(?:á|ão)?", r"entr\w+ em (?:operação|funcionamento)",
              r"começ\w+ a operar", r"pass\w+ a operar", r"em operação", r"em funcionamento",
              r"operacional", r"operacionais", r"estreia"),
        close=(r"fech(?:a|am)", r"fechar(?:á|ão)?", r"encerr(?:a|am)", r"encerrar(?:á|ão)?",
               r"encerramento", r"fechamento", r"deixar(?:á|ão)? de (?:operar|funcionar)",
               r"desativar(?:á|ão)?", r"sair(?:á|ão)?"),
        closed=(r"fechou", r"fecharam", r"encerrou", r"encerraram", r"fechad[oa]s?", r"encerrad[oa]s?",
                r"desativou", r"desativad[oa]s?", r"deixou de operar", r"saiu"),
        plan=(r"planej\w+", r"plano(?:s)?", r"prevê(?:em)?", r"previst[oa]s?", r"pretende(?:m)?",
              r"construir(?:á|ão)?", r"construção", r"projet\w+"),
        expand=(r"ampli(?:a|am)", r"ampliar(?:á|ão)?", r"ampliação", r"expand\w*", r"expansão",
                r"adicion\w+", r"capacidade adicional", r"mais capacidade", r"reforç\w+", r"reforçar\w*"),
        weak_plan=(r"anunci\w+", r"apresent\w+"),
        future=(r"vai", r"vão", r"irá", r"irão", r"planej\w+", r"pretende(?:m)?", r"prevê(?:em)?",
                r"previst[oa]s?", r"abrirá", r"abrirão", r"lançará", r"inaugurará", r"entrará",
                r"fechará", r"encerrará", r"deixará", r"próxim[oa]s?", r"no próximo ano",
                r"até o (?:fim|final) de", r"será", r"serão", r"deverá(?:ão)?"),
        invest=(r"invest\w*", r"aporte(?:s)?", r"gast\w+", r"destin\w+", r"compromet\w*",
                r"compromisso", r"orçamento", r"desembols\w+"),
        total=(r"mundial(?:mente)?", r"no mundo", r"em todo o mundo", r"no total", r"global(?:mente)?",
               r"presença global", r"agora (?:tem|opera|soma|conta)"),
        zone_unit=(r"zonas? de disponibilidade", r"zonas?"),
        region_unit=(r"regi(?:ão|ões)",),
    ),
    "zh": Lexicon(
        venue=(r"举行", r"舉行", r"举办", r"舉辦", r"召开", r"召開", r"总部位于", r"總部位於", r"峰会", r"峰會", r"大会", r"大會"),
        list_glue=(r"和", r"及", r"以及", r"与", r"與", r"或", r"在"),
        facility=(r"数据中心", r"數據中心", r"資料中心", r"云计算中心", r"雲端?運算中心", r"地域", r"地區",
                  r"区域", r"區域", r"可用区", r"可用區", r"节点", r"節點", r"机房", r"機房", r"基础设施", r"基礎設施",
                  r"算力", r"容量"),
        open=(r"开设", r"開設", r"启用", r"啟用", r"开服", r"開服", r"上线", r"上線", r"投入使用", r"投入运营",
              r"投入運營", r"正式运营", r"正式運營", r"开始运营", r"開始運營", r"开通", r"開通", r"落成",
              r"开放", r"開放", r"开幕", r"揭幕", r"推出", r"落地", r"运行", r"運行", r"营运", r"營運",
              r"设立", r"設立"),
        close=(r"关闭", r"關閉", r"停止服务", r"停止服務", r"停服", r"关停", r"關停", r"下线", r"下線",
               r"退出", r"停运", r"停運", r"撤出", r"终止", r"終止", r"停止运营", r"停止營運"),
        closed=(r"已关闭", r"已關閉", r"已经关闭", r"已經關閉", r"关闭了", r"關閉了", r"已停止服务",
                r"已停止服務", r"已下线", r"已下線", r"已关停", r"已關停", r"已退出", r"已停运", r"已停運",
                r"已终止", r"已終止"),
        plan=(r"计划", r"計劃", r"計畫", r"规划", r"規劃", r"筹建", r"籌建", r"拟建", r"擬建", r"将建", r"將建",
              r"新建", r"建设", r"建設", r"兴建", r"興建"),
        expand=(r"扩建", r"擴建", r"扩容", r"擴容", r"扩展", r"擴展", r"扩大", r"擴大", r"增设", r"增設",
                r"新增", r"追加", r"加码", r"加碼", r"扩张", r"擴張", r"扩充", r"擴充", r"增加"),
        weak_plan=(r"宣布", r"公布"),
        future=(r"将", r"將", r"计划", r"計劃", r"計畫", r"拟", r"擬", r"预计", r"預計", r"即将", r"即將",
                r"未来", r"未來", r"明年", r"年内", r"年內", r"筹建", r"籌建", r"预期", r"預期", r"有望",
                r"準備", r"准备", r"会", r"會", r"于年底", r"年底前"),
        invest=(r"投资", r"投資", r"投入", r"资本支出", r"資本支出", r"斥资", r"斥資", r"砸"),
        total=(r"全球", r"全世界", r"共", r"总计", r"總計", r"合计", r"合計", r"总共", r"總共", r"累计", r"累計"),
        zone_unit=(r"可用区", r"可用區"),
        region_unit=(r"地域", r"区域", r"地區", r"區域"),
        counter=(r"个", r"個"),
    ),
    "ja": Lexicon(
        venue=(r"開催", r"本社を置く", r"本拠"),
        list_glue=(r"と", r"や", r"および", r"及び", r"、"),
        facility=(r"データセンター", r"リージョン", r"アベイラビリティー?ゾーン", r"可用性ゾーン", r"拠点",
                  r"インフラ", r"設備", r"容量"),
        open=(r"開設", r"開業", r"稼働", r"運用を開始", r"運用開始", r"提供を開始", r"提供開始",
              r"サービス(?:を)?開始", r"オープン", r"開所", r"ローンチ", r"始動", r"立ち上げ", r"開始"),
        close=(r"閉鎖", r"終了", r"撤退", r"停止", r"廃止", r"閉じ"),
        closed=(r"閉鎖し(?:た|ました)", r"終了し(?:た|ました)", r"撤退し(?:た|ました)", r"停止し(?:た|ました)",
                r"廃止し(?:た|ました)", r"閉鎖された", r"終了された"),
        plan=(r"計画", r"建設", r"新設", r"設置する", r"構築する"),
        expand=(r"拡張", r"拡大", r"増設", r"追加", r"強化", r"拡充", r"増強"),
        weak_plan=(r"発表", r"明らかにし"),
        future=(r"予定", r"計画", r"方針", r"見込み", r"見通し", r"目指", r"来年", r"年内", r"今後", r"将来",
                r"年末までに", r"へ(?=[。、\s]|$)"),
        invest=(r"投資", r"投じ", r"投入", r"設備投資", r"拠出"),
        total=(r"世界", r"全世界", r"グローバル", r"合計", r"計", r"全体"),
        zone_unit=(r"アベイラビリティー?ゾーン", r"可用性ゾーン", r"ゾーン"),
        region_unit=(r"リージョン", r"地域"),
        counter=(r"つの", r"の", r"カ所の", r"か所の"),
        future_side="after",
    ),
    "ko": Lexicon(
        venue=(r"열린", r"개최", r"본사"),
        list_glue=(r"과", r"와", r"및", r"그리고", r"또는"),
        facility=(r"데이터\s?센터", r"리전", r"가용\s?영역", r"가용\s?구역", r"클라우드\s?센터", r"인프라",
                  r"용량", r"설비"),
        open=(r"개설", r"개소", r"문을 열", r"오픈", r"가동", r"출범", r"개시", r"운영(?:을|에)? (?:시작|들어)",
              r"서비스(?:를)? 시작", r"열었", r"연다", r"선보"),
        close=(r"종료", r"폐쇄", r"철수", r"중단", r"닫"),
        closed=(r"종료했", r"종료됐", r"종료되었", r"폐쇄했", r"폐쇄됐", r"철수했", r"중단했", r"중단됐", r"닫았"),
        plan=(r"계획", r"구축할", r"설립할", r"신설", r"건설", r"짓"),
        expand=(r"확장", r"확대", r"증설", r"추가", r"강화", r"늘리", r"늘린"),
        weak_plan=(r"발표", r"공개"),
        future=(r"예정", r"계획", r"방침", r"목표", r"내년", r"연내", r"추진", r"앞으로", r"향후",
                r"할 것", r"을 것"),
        invest=(r"투자", r"투입", r"지출", r"쏟"),
        total=(r"전 세계", r"전세계", r"글로벌", r"총", r"모두"),
        zone_unit=(r"가용\s?영역", r"가용\s?구역", r"가용성\s?영역"),
        region_unit=(r"리전", r"지역"),
        counter=(r"개",),
        future_side="after",
    ),
}
