"""Vocabulary of the generated demo catalog (original wording, not taken from any shop's data)."""

from __future__ import annotations

# product type -> (product_group, garment_group, image shape, base price, name stems)
PRODUCT_TYPES: dict[str, tuple[str, str, str, float, tuple[str, ...]]] = {
    "T-shirt": ("Garment Upper body", "Jersey Basic", "tee", 9.99, ("Everyday tee", "Crew tee", "Boxy tee", "Pocket tee")),
    "Top": ("Garment Upper body", "Jersey Fancy", "tee", 14.99, ("Wrap top", "Ribbed top", "Cropped top", "Tie top")),
    "Shirt": ("Garment Upper body", "Blouses", "shirt", 24.99, ("Oxford shirt", "Linen shirt", "Poplin shirt", "Camp shirt")),
    "Blouse": ("Garment Upper body", "Blouses", "shirt", 22.99, ("Frill blouse", "Satin blouse", "Puff blouse")),
    "Sweater": ("Garment Upper body", "Knitwear", "sweater", 29.99, ("Cable sweater", "Fine-knit sweater", "Mohair-blend jumper")),
    "Hoodie": ("Garment Upper body", "Jersey Fancy", "sweater", 27.99, ("Zip hoodie", "Oversized hoodie", "Fleece hoodie")),
    "Jacket": ("Garment Upper body", "Outdoor", "jacket", 49.99, ("Denim jacket", "Bomber jacket", "Quilted jacket", "Utility jacket")),
    "Coat": ("Garment Upper body", "Outdoor", "coat", 79.99, ("Wool-blend coat", "Trench coat", "Parka", "Teddy coat")),
    "Blazer": ("Garment Upper body", "Dressed", "jacket", 59.99, ("Single-breasted blazer", "Linen blazer", "Boxy blazer")),
    "Dress": ("Garment Full body", "Dresses Ladies", "dress", 34.99, ("Midi dress", "Slip dress", "Shirt dress", "Wrap dress", "Maxi dress")),
    "Jumpsuit": ("Garment Full body", "Dresses Ladies", "dress", 39.99, ("Utility jumpsuit", "Wide jumpsuit")),
    "Trousers": ("Garment Lower body", "Trousers", "trousers", 29.99, ("Wide trousers", "Cargo trousers", "Tailored trousers", "Chinos")),
    "Jeans": ("Garment Lower body", "Trousers Denim", "trousers", 34.99, ("Straight jeans", "Slim jeans", "Mom jeans", "Baggy jeans")),
    "Shorts": ("Garment Lower body", "Shorts", "shorts", 17.99, ("Denim shorts", "Chino shorts", "Sweatshorts", "Running shorts")),
    "Skirt": ("Garment Lower body", "Skirts", "skirt", 24.99, ("Pleated skirt", "Denim skirt", "Midi skirt", "Mini skirt")),
    "Leggings": ("Garment Lower body", "Jersey Basic", "trousers", 14.99, ("Sports tights", "Ribbed leggings", "Seamless leggings")),
    "Sneakers": ("Shoes", "Shoes", "shoe", 44.99, ("Chunky trainers", "Canvas sneakers", "Retro runners")),
    "Boots": ("Shoes", "Shoes", "boot", 59.99, ("Chelsea boots", "Ankle boots", "Lace-up boots")),
    "Sandals": ("Shoes", "Shoes", "shoe", 24.99, ("Slide sandals", "Strappy sandals")),
    "Bag": ("Accessories", "Accessories", "bag", 29.99, ("Shoulder bag", "Tote bag", "Crossbody bag", "Backpack")),
    "Hat": ("Accessories", "Accessories", "hat", 12.99, ("Bucket hat", "Beanie", "Cap")),
    "Scarf": ("Accessories", "Accessories", "scarf", 14.99, ("Wool scarf", "Silk scarf", "Check scarf")),
    "Swimsuit": ("Swimwear", "Swimwear", "swim", 22.99, ("Swimsuit", "Bikini top", "Swim shorts")),
    "Pyjamas": ("Nightwear", "Under-, Nightwear", "tee", 19.99, ("Pyjama set", "Flannel pyjamas")),
}

# index group -> (sections, product types sold there)
INDEX_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Ladieswear": (
        ("Womens Everyday Collection", "Womens Tailoring", "Womens Casual", "Womens Lingerie & Night"),
        ("T-shirt", "Top", "Blouse", "Sweater", "Jacket", "Coat", "Blazer", "Dress", "Jumpsuit", "Trousers",
         "Jeans", "Skirt", "Leggings", "Boots", "Sandals", "Bag", "Scarf", "Swimsuit", "Pyjamas"),
    ),
    "Menswear": (
        ("Mens Everyday", "Mens Tailoring", "Mens Denim", "Mens Outerwear"),
        ("T-shirt", "Shirt", "Sweater", "Hoodie", "Jacket", "Coat", "Blazer", "Trousers", "Jeans", "Shorts",
         "Sneakers", "Boots", "Hat", "Scarf", "Swimsuit", "Pyjamas"),
    ),
    "Kids": (
        ("Kids Girl", "Kids Boy", "Baby Essentials"),
        ("T-shirt", "Top", "Sweater", "Hoodie", "Jacket", "Dress", "Trousers", "Jeans", "Shorts", "Skirt",
         "Leggings", "Sneakers", "Hat", "Pyjamas", "Swimsuit"),
    ),
    "Sport": (
        ("Active Women", "Active Men", "Outdoor Sport"),
        ("T-shirt", "Top", "Hoodie", "Jacket", "Leggings", "Shorts", "Sneakers", "Hat", "Bag"),
    ),
    "Divided": (
        ("Young Trend", "Young Basics"),
        ("T-shirt", "Top", "Hoodie", "Dress", "Jeans", "Skirt", "Shorts", "Sneakers", "Bag", "Hat"),
    ),
}

# colour -> (colour master, RGB)
COLOURS: dict[str, tuple[str, tuple[int, int, int]]] = {
    "Black": ("Black", (25, 25, 28)),
    "White": ("White", (242, 242, 238)),
    "Off White": ("White", (232, 226, 210)),
    "Light Grey": ("Grey", (190, 190, 192)),
    "Dark Grey": ("Grey", (80, 82, 86)),
    "Navy Blue": ("Blue", (28, 40, 84)),
    "Light Blue": ("Blue", (150, 190, 230)),
    "Denim Blue": ("Blue", (70, 100, 150)),
    "Red": ("Red", (200, 30, 40)),
    "Dark Red": ("Red", (120, 20, 35)),
    "Pink": ("Pink", (240, 150, 180)),
    "Light Pink": ("Pink", (248, 205, 215)),
    "Beige": ("Beige", (214, 196, 160)),
    "Brown": ("Brown", (120, 80, 50)),
    "Khaki Green": ("Khaki green", (120, 125, 80)),
    "Dark Green": ("Green", (30, 85, 50)),
    "Yellow": ("Yellow", (240, 205, 60)),
    "Orange": ("Orange", (235, 120, 40)),
    "Lilac": ("Lilac Purple", (190, 160, 215)),
    "Turquoise": ("Turquoise", (60, 180, 180)),
}

PATTERNS = ("Solid", "Solid", "Solid", "Stripe", "Dot", "Check", "All over pattern", "Melange")

MATERIALS = ("cotton jersey", "organic cotton", "linen blend", "soft fleece", "recycled polyester", "wool blend",
             "stretch denim", "satin", "rib knit", "twill", "lyocell", "corduroy")
FITS = ("a relaxed fit", "a regular fit", "a slim fit", "an oversized fit", "a cropped length", "a straight cut")
DETAILS = ("a round neckline", "a V-neck", "long sleeves", "short sleeves", "side pockets", "a drawstring waist",
           "an elasticated waist", "covered buttons", "a zip at the front", "dropped shoulders",
           "a concealed zip", "contrast stitching", "a tie belt", "raw-edge hems", "a padded lining")
OCCASIONS = ("for everyday wear", "for the office", "for weekends", "for warm days", "for chilly evenings",
             "for workouts", "for travelling", "for parties", "for layering")
ADJECTIVES = ("Classic", "Soft", "Easy", "Cosy", "Light", "Relaxed", "Essential", "Sleek", "Bold", "Airy")

# image shape -> plausible materials and details, so descriptions read like real product copy
_TOP_DETAILS = ("a round neckline", "a V-neck", "short sleeves", "long sleeves", "dropped shoulders",
                "a chest pocket", "a button placket", "raw-edge hems", "a ribbed hem")
_BOTTOM_DETAILS = ("an elasticated waist", "a drawstring waist", "side pockets", "a zip fly", "belt loops",
                   "tapered legs", "wide legs", "a high waist", "back pockets")
_OUTER_DETAILS = ("a zip at the front", "a hood", "press-stud fastening", "flap pockets", "a padded lining",
                  "a stand-up collar", "a detachable belt", "buttoned cuffs")
KIND_MATERIALS: dict[str, tuple[str, ...]] = {
    "tee": ("cotton jersey", "organic cotton", "slub jersey", "modal blend", "rib jersey"),
    "shirt": ("cotton poplin", "linen blend", "oxford cotton", "satin", "airy viscose"),
    "sweater": ("wool blend", "rib knit", "soft fleece", "cotton knit", "mohair blend"),
    "jacket": ("denim", "cotton twill", "recycled polyester", "corduroy", "wool blend"),
    "coat": ("wool blend", "water-repellent twill", "teddy fleece", "padded nylon"),
    "dress": ("satin", "viscose crepe", "cotton poplin", "jersey", "linen blend"),
    "trousers": ("cotton twill", "stretch denim", "linen blend", "ribbed jersey", "corduroy"),
    "shorts": ("denim", "cotton twill", "sweatshirt fabric", "quick-dry polyester"),
    "skirt": ("pleated chiffon", "denim", "satin", "corduroy", "jersey"),
    "shoe": ("canvas", "suede", "leather-look material", "breathable mesh"),
    "boot": ("leather-look material", "suede", "water-repellent rubber"),
    "bag": ("canvas", "leather-look material", "recycled nylon"),
    "hat": ("cotton twill", "rib knit", "wool blend"),
    "scarf": ("wool blend", "silky satin", "fine knit"),
    "swim": ("recycled polyamide", "textured swim fabric"),
}
KIND_DETAILS: dict[str, tuple[str, ...]] = {
    "tee": _TOP_DETAILS,
    "shirt": _TOP_DETAILS + ("a classic collar", "a curved hem"),
    "sweater": _TOP_DETAILS + ("a hood", "a half-zip"),
    "jacket": _OUTER_DETAILS,
    "coat": _OUTER_DETAILS,
    "dress": ("a V-neck", "thin shoulder straps", "a tie belt", "a smocked bodice", "a flared skirt",
              "puff sleeves", "a concealed zip", "a slit at the side"),
    "trousers": _BOTTOM_DETAILS,
    "shorts": _BOTTOM_DETAILS,
    "skirt": ("an elasticated waist", "a concealed zip", "a slit at the front", "a wrap front", "a flared hem"),
    "shoe": ("a padded footbed", "a rubber sole", "lacing at the front", "a pull-on loop", "a chunky sole"),
    "boot": ("a padded footbed", "a chunky sole", "elastic side panels", "a block heel", "lacing at the front"),
    "bag": ("an adjustable strap", "a zip closure", "an inner pocket", "top handles", "a magnetic clasp"),
    "hat": ("a fold-up brim", "a ribbed finish", "an adjustable strap", "a curved peak"),
    "scarf": ("fringed ends", "a soft brushed finish", "a generous length"),
    "swim": ("a lined front", "adjustable straps", "a high leg", "a tie detail", "a racer back"),
}
KIND_OCCASIONS: dict[str, tuple[str, ...]] = {
    "swim": ("for the beach", "for the pool", "for holidays"),
    "coat": ("for chilly days", "for the city", "for layering over knits"),
    "boot": ("for autumn", "for rainy days", "for the city"),
}
