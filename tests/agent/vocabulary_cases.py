"""An evaluation set for mapping a shopper's words onto the demo catalog's vocabulary.

``TYPE_WORDS`` and ``COLOUR_WORDS``: ``(word, language, expected)``, the word as a shopper writes it
(es/fr/de/it/pt/zh/ru, some plural) and the demo catalog value it means ("Jeans", "Black"); several
values when any of them fits. ``OTHER_WORDS``: request words in the same languages that name neither a
product type nor a colour; they must map onto nothing.
"""

from __future__ import annotations

Case = tuple[str, str, tuple[str, ...]]


def _cases(table: dict[str, list[str]], languages: tuple[str, ...]) -> list[Case]:
    return [(word, language, tuple(value.split("|"))) for value, words in table.items()
            for word, language in zip(words, languages, strict=True)]


# The demo catalog's product types and colours (``catalog.demo``, with the master colours).
DEMO_TYPES = ("Bag", "Blazer", "Blouse", "Boots", "Coat", "Dress", "Hat", "Hoodie", "Jacket", "Jeans", "Leggings",
              "Pyjamas", "Sandals", "Scarf", "Shirt", "Shorts", "Skirt", "Sneakers", "Sweater", "Swimsuit", "T-shirt",
              "Top", "Trousers")
DEMO_COLOURS = ("Beige", "Black", "Brown", "Dark Green", "Dark Grey", "Dark Red", "Denim Blue", "Khaki Green",
                "Light Blue", "Light Grey", "Light Pink", "Lilac", "Navy Blue", "Off White", "Orange", "Pink", "Red",
                "Turquoise", "White", "Yellow", "Blue", "Green", "Grey", "Khaki green", "Lilac Purple")
LANGUAGES = ("es", "fr", "de", "it", "pt", "zh", "ru")

TYPE_WORDS: list[Case] = _cases({
    "Jeans": ["vaqueros", "jean", "Jeanshose", "jeans", "calça jeans", "牛仔裤", "джинсы"],
    "Dress": ["vestido", "robe", "Kleid", "vestito", "vestidos", "连衣裙", "платье"],
    "Shirt": ["camisa", "chemise", "Hemd", "camicia", "camisas", "衬衫", "рубашка"],
    "Jacket": ["chaqueta", "veste", "Jacke", "giacca", "jaqueta", "夹克", "куртка"],
    "Sneakers": ["zapatillas", "baskets", "Turnschuhe", "scarpe da ginnastica", "tênis", "运动鞋", "кроссовки"],
    "Skirt": ["falda", "jupe", "Rock", "gonna", "saia", "半身裙", "юбка"],
    "Coat": ["abrigo", "manteau", "Mantel", "cappotto", "casaco", "大衣", "пальто"],
    "Trousers": ["pantalones", "pantalon", "Hose", "pantaloni", "calças", "裤子", "брюки"],
    "Sweater": ["suéter", "pull", "Pullover", "maglione", "pulôver", "毛衣", "свитер"],
    "Boots": ["botas", "bottes", "Stiefel", "stivali", "botas", "靴子", "сапоги"],
    "Bag": ["bolso", "sac", "Tasche", "borsa", "bolsa", "包包", "сумка"],
    "Hat": ["sombrero", "chapeau", "Hut", "cappello", "chapéu", "帽子", "шляпа"],
}, LANGUAGES)

COLOUR_WORDS: list[Case] = _cases({
    "Black": ["negros", "noir", "schwarz", "nero", "preto", "黑色", "чёрный"],
    "Blue|Light Blue|Navy Blue|Denim Blue": ["azul", "bleue", "blau", "blu", "azuis", "蓝色", "синий"],
    "Red|Dark Red": ["rojo", "rouge", "rot", "rosso", "vermelho", "红色", "красный"],
    "White|Off White": ["blanca", "blanc", "weiß", "bianco", "branco", "白色", "белый"],
    "Green|Dark Green|Khaki Green|Khaki green": ["verde", "vert", "grün", "verdi", "verde", "绿色", "зелёный"],
    "Yellow": ["amarillo", "jaune", "gelb", "giallo", "amarelo", "黄色", "жёлтый"],
    "Pink|Light Pink": ["rosa", "rose", "rosa", "rosa", "rosa", "粉色", "розовый"],
    "Grey|Dark Grey|Light Grey": ["gris", "gris", "grau", "grigio", "cinza", "灰色", "серый"],
    "Brown": ["marrón", "marron", "braun", "marrone", "marrom", "棕色", "коричневый"],
}, LANGUAGES)

OTHER_WORDS: list[tuple[str, str]] = [
    (word, language) for language, words in {
        "es": "quiero unos para una boda fiesta busco necesito barato algodón largo",
        "fr": "je cherche pour homme une mariage soirée pas cher coton laine",
        "de": "ich suche eine für Damen Hochzeit günstig Baumwolle warm bitte",
        "it": "vorrei cerco delle per sera economico cotone lana",
        "pt": "quero uma para trabalho barato algodão festa",
        "zh": "我想买 便宜 一条 婚礼 棉 适合 夏天",
        "ru": "хочу для свадьбы дешёвый хлопок тёплый",
        "en": "show me something cheaper for a wedding please summer cotton wool leather soft recommend",
    }.items() for word in words.split()
]
