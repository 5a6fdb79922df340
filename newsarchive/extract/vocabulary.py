"""Words that sites print around a listing's content, in the languages of the sites we meet.

Lists hold whole labels in lower case, as sites print them (matching ignores case). Each list
covers at least en, es, pt, fr, de, it, nl, ru, pl, tr, ja, zh and ar, plus the other languages
pagination already reads.
"""

from __future__ import annotations

# What stands before a tag's or category's name in an archive heading or title: "Tag: Perú",
# "Schlagwort: Klimagerechtigkeit", "Archivo de la etiqueta: Perú", "カテゴリ： 非常識".
ARCHIVE_PREFIXES = frozenset("""
    tag|tags|tagged|tagged with|tag archive|tag archives|tag archives for|category|categories
    |category archive|category archives|category archives for|archive|archives|archive for
    |archives for|topic|topics|section|label|labels|posts tagged|posts tagged with|articles tagged
    |stories tagged|posts labeled|posts labelled|showing posts with label|browsing|browsing tag
    |browsing category|filed under|keyword|subject|posts about|articles about|stories about
    |etiqueta|etiquetas|archivo de la etiqueta|archivo de etiqueta|archivos de la etiqueta
    |categoría|archivo de la categoría|archivo de categoría|archivos de la categoría|archivo
    |archivos|tema|temas|sección|seccion|entradas etiquetadas como|entradas con la etiqueta
    |mostrando entradas con la etiqueta|artículos etiquetados con|noticias sobre|artículos sobre
    |marcador|marcadores|arquivo da tag|arquivo da etiqueta|arquivo da categoria|arquivos da tag
    |arquivos da categoria|arquivo|arquivos|categoria|categorias|assunto|editoria
    |postagens com o marcador|mostrando postagens com o marcador|mostrando postagens com marcador
    |notícias sobre|posts com a tag
    |étiquette|etiquette|mot-clé|mot-clef|mot clé|mots-clés|archives de l'étiquette
    |archives de l’étiquette|archives du mot-clé|archives de la catégorie|catégorie|categorie
    |rubrique|thème|theme|sujet|articles marqués|articles avec le libellé|libellé|articles sur
    |schlagwort|schlagwörter|schlagwort-archiv|schlagwort-archive|kategorie|kategorie-archiv
    |kategorie-archive|archiv|stichwort|stichworte|thema|themen|rubrik|ressort
    |beiträge mit dem schlagwort|beiträge mit schlagwort|beiträge getaggt mit|beiträge zum thema
    |artikel zum thema|tag-archiv|beiträge mit dem label
    |etichetta|etichette|archivi tag|archivio tag|archivio categoria|archivi categoria|archivi
    |archivio|argomento|argomenti|sezione|rubrica|post con etichetta|articoli con tag|articoli su
    |notizie su
    |trefwoord|trefwoorden|categorieën|archief|categorie-archief|tagarchief|berichten met tag
    |berichten met de tag|berichten met label|onderwerp|rubriek|berichten over|artikelen over
    |метка|метки|тег|теги|рубрика|рубрики|категория|категории|архив|архивы|архив метки
    |архив рубрики|архив категории|записи с меткой|записи с тегом|записи по тегу|новости по тегу
    |статьи по тегу|материалы по тегу|раздел|тема|ярлык|сообщения с ярлыком|мітка|категорія|архів
    |etykieta|etykiety|kategoria|kategorie|archiwum|archiwa|archiwum tagu|archiwum kategorii
    |archiwa tagu|archiwa kategorii|wpisy otagowane|wpisy z tagiem|temat|dział|artykuły z tagiem
    |etiket|etiketler|etiket arşivi|etiket arşivleri|kategori|kategoriler|kategori arşivi
    |kategori arşivleri|arşiv|arşivler|konu|bölüm
    |タグ|カテゴリー|カテゴリ|アーカイブ|ラベル|タグ別アーカイブ|カテゴリー別アーカイブ|キーワード
    |标签|標籤|标签归档|分类|分類|分类目录归档|分类归档|分類彙整|标签彙整|標籤彙整|归档|存档|栏目|欄目
    |关键词|關鍵字|专题|專題
    |الوسم|وسم|الوسوم|تصنيف|التصنيف|أرشيف|الأرشيف|أرشيف الوسم|أرشيف التصنيف|قسم|القسم
    |الكلمة الدلالية|كلمة دلالية|مقالات موسومة
    |ετικέτα|ετικέτες|κατηγορία|αρχείο|αρχεία|θέμα|বিভাগ|ট্যাগ|ক্যাটাগরি|टैग|श्रेणी|태그|카테고리|분류
    |etikett|ämne|stikkord|emneord|štítek|štítky|avainsana|arkisto|címke|kategória|rovat
    |etichetă|arhivă|arsip|topik|thẻ|chuyên mục|danh mục|برچسب|دسته|תגית|קטגוריה|ארכיון
    """.replace("\n", "").replace(" " * 4, "").split("|"))  # fmt: skip
# What follows the name: "Perú archivos", "Parenting Archives", "「環境」の記事一覧".
ARCHIVE_SUFFIXES = frozenset("""
    archives|archive|archivos|archivo|arquivos|archivi|archiv|archief|архивы|архив|archiwa
    |arşivleri|arşivi|αρχεία|アーカイブ|の記事一覧|の一覧|の記事|記事一覧|タグの記事一覧|一覧
    |归档|彙整|相关文章|تصنيفات
    """.replace("\n", "").replace(" " * 4, "").split("|"))  # fmt: skip
# What stands before an author's name in a byline: "By Ana Galán", "Автор: Иван Петров".
BYLINE_PREFIXES = frozenset("""
    by|written by|posted by|published by|reported by|words by|story by|text by|from
    |por|escrito por|publicado por|redactado por|texto de|de|da|postado por|publicado por
    |par|écrit par|publié par|rédigé par|von|geschrieben von|verfasst von|text von|autor|autorin
    |di|a cura di|scritto da|pubblicato da|door|geschreven door|gepost door|av|af|skrevet af
    |автор|авторы|опубликовал|опубликовала|написал|написала|текст|napisane przez|napisał
    |napisała|yazar|yazan|haber|yazı|投稿者|著者|筆者|文|作者|撰文|记者|编辑|責任編輯|责任编辑
    |بقلم|كتبه|كتب|الكاتب|المحرر|συντάκτης|γράφει|от|autorius|szerző|kirjoittaja|tác giả
    |author|auteur|autore|autora|oleh|penulis|글
    """.replace("\n", "").replace(" " * 4, "").split("|"))  # fmt: skip
# Short prefixes that are also particles of names ("Di Maio", "da Silva", "von Weizsäcker"):
# a prefix only when at least two words follow.
NAME_PARTICLES = frozenset(("di", "da", "de", "von", "av", "af", "from", "от"))
# The label of an advertising slot, which is never a story's text.
AD_LABELS = frozenset("""
    advertisement|advertising|ad|ads|sponsored|sponsored content|sponsored by|promoted|paid content
    |publicidad|anuncio|patrocinado|publicidade|anúncio|patrocinado por|publicité|annonce
    |sponsorisé|anzeige|werbung|gesponsert|pubblicità|annuncio|sponsorizzato|advertentie
    |gesponsord|реклама|спонсорский материал|reklama|materiał sponsorowany|reklam|sponsorlu
    |広告|スポンサー|プロモーション|广告|廣告|赞助|إعلان|اعلان|محتوى ممول|διαφήμιση|광고|annons
    |reklame|mainos|hirdetés|publicitate|iklan|quảng cáo|פרסומת|تبلیغات|বিজ্ঞাপন|विज्ञापन
    """.replace("\n", "").replace(" " * 4, "").split("|"))  # fmt: skip
# Words of a page-number label in a title: "Page 3", "Pagina 3 di 9", "Seite 2", "Страница 2".
PAGE_WORDS = frozenset("""
    page|pages|página|pagina|pagine|seite|страница|стр|strona|sayfa|σελίδα|pagina's|side|sida
    |sivu|oldal|strana|trang|halaman|صفحة|页|頁|ページ|페이지|পৃষ্ঠা|पृष्ठ|עמוד
    """.replace("\n", "").replace(" " * 4, "").split("|"))  # fmt: skip
