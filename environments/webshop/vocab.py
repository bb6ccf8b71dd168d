"""Words the catalogue generator builds products and instructions from (all written for this
project). Tables are compact text: one entry per line, fields separated by `|`, list items by
`;`. `generate.py` turns them into products in WebShop's schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    text: str  # as stored in a product's `attributes` and a goal's `attributes`
    ask: str  # how an instruction says it (contains `text`)
    sentence: str  # a feature sentence for bullets and descriptions


@dataclass(frozen=True)
class OptionGroup:
    name: str  # the group name shown on the item page
    values: tuple[str, ...]
    asks: tuple[str, ...]  # instruction clauses, `{v}` is the value


@dataclass(frozen=True)
class Kind:
    """A product type: every product of a kind shares query, category path and type words."""

    query: str
    path: str
    heads: tuple[str, ...]  # the type's name in titles; each contains every type word
    type_words: tuple[str, ...]
    asks: tuple[str, ...]  # how an instruction names it, with an article
    attributes: tuple[str, ...]
    options: tuple[str, ...]
    price: tuple[float, float]
    audiences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    name: str
    brands: tuple[str, ...]
    descriptors: tuple[str, ...]
    attributes: dict[str, Attribute]
    options: dict[str, OptionGroup]
    intros: tuple[str, ...]  # description openers: {brand}, {head}
    closers: tuple[str, ...]  # neutral description sentences
    extras: tuple[str, ...]  # neutral bullets
    kinds: tuple[Kind, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _attributes(table: str) -> dict[str, Attribute]:
    rows = [line.split("|") for line in table.strip().splitlines()]
    return {r[0].strip(): Attribute(r[0].strip(), r[1].strip(), r[2].strip()) for r in rows}


def _options(table: str) -> dict[str, OptionGroup]:
    groups = {}
    for line in table.strip().splitlines():
        key, name, values, asks = (part.strip() for part in line.split("|"))
        groups[key] = OptionGroup(name, _split(values), _split(asks))
    return groups


def _kind(query: str, path: str, heads: str, words: str, asks: str, attributes: str,
          options: str, price: tuple[float, float], audiences: str = "") -> Kind:
    return Kind(query, path, _split(heads), _split(words), _split(asks), _split(attributes),
                _split(options), price, _split(audiences))


COLOR_ASKS = "in {v}; in the color {v}; in {v} color"
SIZE_ASKS = "in size {v}; in a size {v}; size {v}"

BEAUTY = Category(
    name="beauty",
    brands=_split("Amberly; Velvet Fern; Cedar & Sage; Nordic Dew; Glowfield; Marisol; Oak Hollow; "
                  "Silkbloom; Tidewell; Honeyvale; Lumen & Leaf; Petalcraft; Brightmoor; Saltmarsh; "
                  "Kindred Skin; Wildroot"),
    descriptors=_split("Everyday; Classic; Gentle; Daily; Signature; Botanical; Essential; Pure; "
                       "Nourishing; Refreshing"),
    attributes=_attributes("""
aluminum free | that is aluminum free | Leaves out aluminum salts, so it freshens without plugging pores.
sensitive skin | for sensitive skin | Mild enough for sensitive skin, with nothing harsh in the mix.
paraben free | that is paraben free | Preserved without any parabens.
cruelty free | that's cruelty free | Never tested on animals at any stage of making it.
long lasting | that is long lasting | Keeps working from the morning commute until late evening.
natural ingredients | made with natural ingredients | Built around plant oils, botanical extracts and mineral clays.
dry skin | for dry skin | Replenishes moisture where skin feels tight, rough or flaky.
oily skin | for oily skin | Controls shine and helps keep pores clear through the day.
fragrance free | that is fragrance free | Contains no added perfume, so nothing lingers after use.
sulfate free | that's sulfate free | Cleans with mild coconut based surfactants instead of harsh detergents.
hair growth | that supports hair growth | Biotin and caffeine help hair look thicker and fuller over time.
anti aging | with anti aging benefits | Peptides help smooth the look of fine lines around eyes and mouth.
hyaluronic acid | with hyaluronic acid | Draws water into the skin and holds it there for a plump finish.
tea tree | with tea tree oil | A few drops of tea tree oil calm the scalp and skin.
shea butter | with shea butter | Rich shea butter softens and protects.
travel size | in a travel size | Small enough for a carry-on bag or a gym locker.
easy to use | that is easy to use | Goes on smoothly in seconds, with no mess and no learning curve.
dermatologist tested | that is dermatologist tested | Checked by skin doctors for irritation before release.
non toxic | that is non toxic | Free of formaldehyde, toluene and other harsh solvents.
vegan | that is vegan | Contains no animal derived ingredients of any kind.
color safe | that is color safe | Will not strip dye, so colored hair keeps its shine between salon visits.
dry hair | for dry hair | Restores softness to brittle ends and frizzy lengths.
argan oil | with argan oil | Cold pressed argan oil adds slip and shine.
quick dry | that is quick dry | Sets in about a minute, so you can get on with your day.
chip resistant | that is chip resistant | A tough top layer stands up to typing, dishes and door handles.
highly pigmented | that is highly pigmented | One swipe gives full color payoff.
waterproof | that is waterproof | Stays put through rain, swimming and happy tears.
smudge proof | that is smudge proof | Will not transfer onto lids, glasses or pillowcases.
reef safe | that is reef safe | Uses zinc oxide rather than oxybenzone or octinoxate.
broad spectrum | with broad spectrum protection | Shields against both UVA and UVB rays.
non greasy | that is non greasy | Sinks in fast and leaves no shiny film behind.
heat resistant | that is heat resistant | Can be curled or straightened with styling tools at moderate heat.
natural looking | with a natural looking finish | Blends in with your own hair for a seamless result.
tangle free | that is tangle free | Combs through easily wash after wash.
soft bristles | with soft bristles | Dense, silky fibers pick up product evenly.
easy to clean | that is easy to clean | Rinses clean with warm water and a drop of soap.
fast drying | with fast drying | Strong airflow cuts styling time nearly in half.
low noise | with low noise | A quieter motor means no more shouting over it in the morning.
lightweight | that is lightweight | Light in the hand, so your arm does not tire.
rechargeable battery | with a rechargeable battery | One full charge lasts for weeks of twice daily use.
smart timer | with a smart timer | A built in timer pulses every thirty seconds to move you along.
fast absorbing | that is fast absorbing | Absorbs within moments, so you can touch your phone right away.
"""),
    options=_options(f"""
scent | scent | Lavender; Bright Citrus; Coconut Vanilla; Cucumber Mint; Eucalyptus; Sandalwood; Fresh Linen; Ocean Breeze; Unscented; Rose Petal; Honey Almond; Wild Fig | with a {{v}} scent; in the {{v}} scent; that smells like {{v}}
beauty_size | size | 1.7 Ounce; 3.4 Ounce; 6.8 Ounce; 8 Fl Oz; 12 Fl Oz; 16 Fl Oz; 32 Fl Oz | in the {{v}} size; that comes in {{v}}; in a {{v}} bottle
count | size | 6 Count; 12 Count; 24 Count; 36 Count; 48 Count | in a {{v}} box; that comes as {{v}}; in the {{v}} option
flavor | flavor name | Vanilla Bean; Mint; Honey; Cherry; Coconut; Strawberry; Peppermint; Unflavored | in {{v}} flavor; with {{v}} flavor; {{v}} flavored
nail_color | color | Cherry Red; Blush Pink; Nude Beige; Midnight Navy; Coral; Plum; Jet Black; Pearl White; Lilac; Emerald; Mustard | {COLOR_ASKS}
hair_color | color | Jet Black; Dark Brown; Chestnut; Ash Blonde; Honey Blonde; Platinum; Auburn; Silver Gray; Burgundy | {COLOR_ASKS}
hair_length | size | 12 Inch; 16 Inch; 20 Inch; 24 Inch | in {{v}} length; that is {{v}} long
tool_color | color | Black; White; Rose Gold; Lavender; Mint Green; Champagne; Navy; Coral | {COLOR_ASKS}
spf | style | SPF 30; SPF 50; SPF 70 | with {{v}}; rated {{v}}
palette | style | Warm Neutrals; Smoky Night; Sunset; Berry; Everyday Nude; Rose | in the {{v}} palette; with the {{v}} shades
"""),
    intros=_split("""
{brand} made this {head} for people who want a simple routine that still feels like a treat.;
Meet the {head} from {brand}, a small upgrade to the minutes you spend getting ready.;
This {head} by {brand} was developed in small batches and tested by real people before it ever reached a shelf.;
{brand} keeps things honest: a {head} that does its job well, with a short ingredient list you can read.;
Whether you are at home or on the road, the {brand} {head} fits easily into your routine."""),
    closers=_split("""
Packed in recyclable materials and made in a facility that runs on renewable power.;
Store at room temperature and away from direct sunlight.;
If it is not the right match for you, our support team will help you find one that is.;
Every batch is checked for texture and consistency before it leaves our workshop.;
Designed with input from estheticians and everyday customers alike."""),
    extras=_split("""
WHAT YOU GET: One item as pictured, sealed for freshness.;
HOW TO USE: Apply as needed and adjust the amount to suit your routine.;
OUR PROMISE: Questions or concerns are answered by a real person within a day.;
THOUGHTFUL PACKAGING: Recyclable carton and minimal plastic."""),
    kinds=(
        _kind("deodorant", "Beauty & Personal Care › Personal Care › Deodorants & Antiperspirants › Deodorants",
              "Deodorant; Deodorant Stick", "deodorant", "a deodorant; a stick of deodorant; some deodorant",
              "aluminum free; sensitive skin; paraben free; cruelty free; long lasting; natural ingredients; travel size; vegan; dermatologist tested",
              "scent; beauty_size", (6, 18), "for Women; for Men; for Teens"),
        _kind("shampoo", "Beauty & Personal Care › Hair Care › Shampoo & Conditioner › Shampoos",
              "Shampoo; Daily Shampoo", "shampoo", "a shampoo; a bottle of shampoo; some shampoo",
              "sulfate free; paraben free; color safe; hair growth; dry hair; natural ingredients; tea tree; cruelty free; vegan; argan oil",
              "scent; beauty_size", (8, 32), "for Women; for Men; for Curly Hair"),
        _kind("conditioner", "Beauty & Personal Care › Hair Care › Shampoo & Conditioner › Conditioners",
              "Conditioner; Moisture Conditioner", "conditioner", "a conditioner; a bottle of conditioner; some hair conditioner",
              "sulfate free; paraben free; color safe; dry hair; shea butter; argan oil; natural ingredients; cruelty free; vegan",
              "scent; beauty_size", (8, 30), "for Women; for Men; for Curly Hair"),
        _kind("face moisturizer", "Beauty & Personal Care › Skin Care › Face › Creams & Moisturizers › Face Moisturizers",
              "Face Moisturizer; Face Moisturizer Cream; Daily Face Moisturizer", "face; moisturizer",
              "a face moisturizer; a daily face moisturizer; a moisturizer for my face",
              "dry skin; oily skin; sensitive skin; hyaluronic acid; anti aging; fragrance free; paraben free; dermatologist tested; non greasy",
              "beauty_size", (10, 48), "for Women; for Men"),
        _kind("lip balm", "Beauty & Personal Care › Skin Care › Lip Care › Balms & Moisturizers",
              "Lip Balm; Lip Balm Set", "lip; balm", "a lip balm; some lip balm; a set of lip balm",
              "shea butter; natural ingredients; long lasting; cruelty free; vegan; dry skin; paraben free",
              "flavor; count", (4, 16)),
        _kind("nail polish", "Beauty & Personal Care › Foot, Hand & Nail Care › Nail Art & Polish › Nail Polish",
              "Nail Polish; Gel Nail Polish", "nail; polish", "a nail polish; a bottle of nail polish; some nail polish",
              "long lasting; non toxic; quick dry; cruelty free; vegan; chip resistant",
              "nail_color", (5, 20)),
        _kind("hair extensions", "Beauty & Personal Care › Hair Care › Hair Extensions, Wigs & Accessories › Hair Extensions",
              "Clip in Hair Extensions; Hair Extensions", "hair; extensions",
              "some hair extensions; a set of clip in hair extensions; hair extensions",
              "natural looking; heat resistant; easy to use; long lasting; tangle free; lightweight",
              "hair_color; hair_length", (15, 90), "for Women"),
        _kind("makeup brush set", "Beauty & Personal Care › Tools & Accessories › Makeup Brushes & Tools › Brush Sets",
              "Makeup Brush Set; Professional Makeup Brush Set", "makeup; brush; set",
              "a makeup brush set; a set of makeup brushes",
              "cruelty free; soft bristles; easy to clean; travel size; vegan; lightweight",
              "tool_color; count", (9, 40)),
        _kind("electric toothbrush", "Beauty & Personal Care › Oral Care › Toothbrushes & Accessories › Electric Toothbrushes",
              "Electric Toothbrush; Sonic Electric Toothbrush", "electric; toothbrush",
              "an electric toothbrush; a sonic electric toothbrush",
              "rechargeable battery; smart timer; soft bristles; travel size; waterproof; easy to use; low noise",
              "tool_color", (20, 95), "for Adults; for Kids"),
        _kind("body wash", "Beauty & Personal Care › Skin Care › Body › Cleansers › Body Washes",
              "Body Wash; Shower Body Wash", "body; wash", "a body wash; a bottle of body wash; some body wash",
              "sensitive skin; dry skin; paraben free; sulfate free; natural ingredients; shea butter; tea tree; cruelty free",
              "scent; beauty_size", (6, 24), "for Women; for Men"),
        _kind("sunscreen", "Beauty & Personal Care › Skin Care › Sunscreens & Tanning Products › Sunscreens",
              "Sunscreen Lotion; Mineral Sunscreen; Sunscreen", "sunscreen",
              "a sunscreen; a bottle of sunscreen; some mineral sunscreen",
              "waterproof; reef safe; broad spectrum; sensitive skin; fragrance free; non greasy; travel size; oily skin",
              "spf; beauty_size", (8, 32), "for Face; for Kids; for Body"),
        _kind("hair dryer", "Beauty & Personal Care › Hair Care › Styling Tools & Appliances › Hair Dryers",
              "Hair Dryer; Ionic Hair Dryer", "hair; dryer", "a hair dryer; a blow dryer for hair",
              "fast drying; low noise; lightweight; travel size; easy to use",
              "tool_color", (20, 85)),
        _kind("eyeshadow palette", "Beauty & Personal Care › Makeup › Eyes › Eyeshadow",
              "Eyeshadow Palette; Eyeshadow Palette Set", "eyeshadow; palette",
              "an eyeshadow palette; a palette of eyeshadow",
              "highly pigmented; long lasting; cruelty free; vegan; smudge proof; paraben free",
              "palette", (8, 38)),
        _kind("mascara", "Beauty & Personal Care › Makeup › Eyes › Mascara",
              "Mascara; Volume Mascara; Lengthening Mascara", "mascara", "a mascara; a tube of mascara; some mascara",
              "waterproof; long lasting; cruelty free; smudge proof; vegan; sensitive skin; paraben free",
              "tool_color", (5, 22)),
        _kind("hand cream", "Beauty & Personal Care › Skin Care › Hands & Nails › Hand Creams & Lotions",
              "Hand Cream; Hand Cream Set", "hand; cream", "a hand cream; a tube of hand cream; some hand cream",
              "dry skin; shea butter; fast absorbing; non greasy; travel size; fragrance free; natural ingredients",
              "scent; count", (5, 20)),
    ),
)

FASHION = Category(
    name="fashion",
    brands=_split("Harbor & Pine; Northloom; Kestrel; Meadow Lane; Urban Thread; Stillwater; Coastline; "
                  "Brookfield; Ridgeway; Fernhill; Aldergrove; Tallow & Twine; Summit Row; Wrenfield; "
                  "Larkspur; Dune Supply"),
    descriptors=_split("Casual; Classic; Essential; Vintage; Modern; Everyday; Weekend; Soft; Basic; Premium"),
    attributes=_attributes("""
machine wash | that is machine wash safe | Toss it in the machine on a cold, gentle cycle.
hand wash | for hand wash only | Wash gently by hand in cool water and lay flat to dry.
button closure | with a button closure | Fastens with sturdy buttons that stay put.
zipper closure | with a zipper closure | A smooth metal zipper opens and shuts in one pull.
long sleeve | in a long sleeve style | Sleeves run all the way to the wrist for extra coverage.
short sleeve | in a short sleeve style | Sleeves end above the elbow to keep you cool.
relaxed fit | with a relaxed fit | Cut roomy through the body for easy movement.
slim fit | with a slim fit | Tailored close to the body for a clean line.
moisture wicking | made of moisture wicking fabric | Pulls sweat away from the skin so you stay dry.
quick drying | that is quick drying | Dries in a fraction of the time cotton takes.
non slip | with a non slip sole | Grippy tread holds firm on wet tile and smooth floors.
rubber sole | with a rubber sole | A durable outsole that flexes with every step.
arch support | with arch support | A contoured footbed cradles the arch all day.
water resistant | that is water resistant | Sheds light rain and splashes.
elastic waist | with an elastic waist | Stretches comfortably without a belt.
high waist | with a high waist | Sits above the hips for a smooth, secure fit.
polyester spandex | made of polyester spandex | Stretchy knit returns to shape after every wear.
cotton blend | made of a cotton blend | Soft cotton mixed with a touch of stretch.
lightweight | that is lightweight | Barely noticeable when you wear it.
faux fur | lined with faux fur | Plush faux fur lining traps warmth.
fleece lined | that is fleece lined | Brushed fleece inside feels cozy against the skin.
wide leg | with a wide leg | Flows loosely from hip to hem.
tummy control | with tummy control | A double layer waistband smooths and supports.
lace up | with a lace up front | Adjust the fit with classic laces.
adjustable strap | with an adjustable strap | Buckles let you set the fit exactly where you want it.
breathable mesh | with breathable mesh | Open mesh panels let air move through.
sterling silver | made of sterling silver | Solid 925 metal that keeps its luster.
hypoallergenic | that is hypoallergenic | Nickel and lead are kept out for sensitive ears and necks.
gift box | that comes in a gift box | Arrives in a ready to give box with a ribbon.
kangaroo pocket | with a kangaroo pocket | A front pouch keeps hands warm and phones handy.
detachable hood | with a detachable hood | The hood zips off when the sky clears.
cushioned sole | with a cushioned sole | Extra padding underfoot softens every step.
sun protection | with sun protection | Tightly woven fabric blocks harsh midday rays.
"""),
    options=_options(f"""
apparel_color | color | Black; White; Navy Blue; Heather Gray; Olive Green; Burgundy; Light Pink; Charcoal; Khaki; Royal Blue; Mustard Yellow; Ivory | {COLOR_ASKS}
apparel_size | size | X-Small; Small; Medium; Large; X-Large; XX-Large; 3X-Large | {SIZE_ASKS}
shoe_color | color | Black; White; Gray; Navy; Red; Beige; Brown; Olive; Teal | {COLOR_ASKS}
men_shoe_size | size | 7; 8; 9; 10; 11; 12; 13 | {SIZE_ASKS}
women_shoe_size | size | 5; 6; 7; 8; 9; 10; 11 | {SIZE_ASKS}
sock_count | size | 6 Pairs; 12 Pairs; 24 Pairs | in a {{v}} pack; that comes as {{v}}
metal | color | Yellow Gold; Silver; Rose Gold | in {{v}}; in a {{v}} finish
chain_length | size | 16 Inch; 20 Inch; 24 Inch | with a {{v}} chain; in a {{v}} length
jeans_size | size | 30W x 30L; 32W x 32L; 34W x 32L; 36W x 34L; 38W x 30L; 40W x 32L | {SIZE_ASKS}
"""),
    intros=_split("""
The {brand} {head} is the piece you reach for when you want to look put together without trying too hard.;
{brand} designed this {head} in a small studio and tested it through a full year of wear.;
Built for real days, the {head} from {brand} moves from morning errands to evening plans.;
A wardrobe staple from {brand}: this {head} pairs with almost everything you already own.;
We at {brand} sweat the small details, and this {head} shows it in every seam."""),
    closers=_split("""
Please check the size chart before ordering, as fit may vary between styles.;
Colors may look slightly different from screen to screen.;
Made in a certified factory that pays fair wages.;
Finished with reinforced seams so it holds its shape season after season.;
Easy to style up or down for work, travel and weekends."""),
    extras=_split("""
SIZE TIP: If you are between sizes, we suggest ordering the larger one.;
EASY RETURNS: Exchanges within thirty days if it does not fit.;
VERSATILE STYLE: Wear it to the office, on trips or around the house.;
THOUGHTFUL DETAILS: Reinforced stitching at every stress point."""),
    kinds=(
        _kind("women's t-shirts", "Clothing, Shoes & Jewelry › Women › Clothing › Tops, Tees & Blouses › T-Shirts",
              "Women's T-Shirt; Women's Crew Neck T-Shirt; T-Shirt for Women", "shirt",
              "a women's t-shirt; a t-shirt for women; a crew neck shirt for women",
              "machine wash; short sleeve; long sleeve; relaxed fit; slim fit; cotton blend; moisture wicking; lightweight",
              "apparel_color; apparel_size", (9, 30)),
        _kind("men's t-shirts", "Clothing, Shoes & Jewelry › Men › Clothing › Shirts › T-Shirts",
              "Men's T-Shirt; Men's Crew Neck T-Shirt; T-Shirt for Men", "shirt",
              "a men's t-shirt; a t-shirt for men; a crew neck shirt for men",
              "machine wash; short sleeve; long sleeve; relaxed fit; slim fit; cotton blend; moisture wicking; quick drying",
              "apparel_color; apparel_size", (9, 30)),
        _kind("women's dresses", "Clothing, Shoes & Jewelry › Women › Clothing › Dresses › Casual",
              "Women's Maxi Dress; Women's Summer Dress; Casual Dress for Women", "dress",
              "a dress for women; a women's summer dress; a casual dress",
              "short sleeve; long sleeve; hand wash; machine wash; elastic waist; lightweight; polyester spandex; button closure",
              "apparel_color; apparel_size", (18, 55)),
        _kind("men's jeans", "Clothing, Shoes & Jewelry › Men › Clothing › Jeans",
              "Men's Jeans; Men's Denim Jeans; Stretch Jeans for Men", "jeans",
              "a pair of men's jeans; some jeans for men; men's denim jeans",
              "machine wash; slim fit; relaxed fit; button closure; zipper closure; cotton blend; wide leg",
              "apparel_color; jeans_size", (22, 70)),
        _kind("women's leggings", "Clothing, Shoes & Jewelry › Women › Clothing › Leggings",
              "Women's Leggings; Yoga Leggings for Women; Workout Leggings", "leggings",
              "a pair of leggings for women; some yoga leggings; women's workout leggings",
              "high waist; moisture wicking; tummy control; polyester spandex; machine wash; quick drying; fleece lined",
              "apparel_color; apparel_size", (12, 40)),
        _kind("men's running shoes", "Clothing, Shoes & Jewelry › Men › Shoes › Athletic › Running",
              "Men's Running Shoes; Running Shoes for Men", "running; shoes",
              "a pair of men's running shoes; running shoes for men",
              "non slip; rubber sole; arch support; lightweight; breathable mesh; lace up; cushioned sole",
              "shoe_color; men_shoe_size", (35, 120)),
        _kind("women's sandals", "Clothing, Shoes & Jewelry › Women › Shoes › Sandals › Flat Sandals",
              "Women's Sandals; Flat Sandals for Women; Women's Slide Sandals", "sandals",
              "a pair of women's sandals; some flat sandals for women",
              "arch support; non slip; adjustable strap; rubber sole; cushioned sole; water resistant",
              "shoe_color; women_shoe_size", (18, 60)),
        _kind("hoodies", "Clothing, Shoes & Jewelry › Men › Clothing › Fashion Hoodies & Sweatshirts",
              "Pullover Hoodie; Hoodie Sweatshirt; Zip Hoodie", "hoodie",
              "a hoodie; a pullover hoodie; a hoodie sweatshirt",
              "fleece lined; machine wash; kangaroo pocket; relaxed fit; cotton blend; zipper closure; lightweight",
              "apparel_color; apparel_size", (20, 60), "for Men; for Women; Unisex"),
        _kind("women's winter coats", "Clothing, Shoes & Jewelry › Women › Clothing › Coats, Jackets & Vests › Down & Parkas",
              "Women's Winter Coat; Women's Puffer Coat; Warm Winter Coat for Women", "coat",
              "a women's winter coat; a warm coat for women; a puffer coat",
              "faux fur; water resistant; zipper closure; button closure; detachable hood; fleece lined; hand wash",
              "apparel_color; apparel_size", (45, 160)),
        _kind("athletic socks", "Clothing, Shoes & Jewelry › Men › Clothing › Socks › Athletic Socks",
              "Athletic Socks; Crew Socks; Ankle Socks", "socks",
              "some athletic socks; a pack of crew socks; some ankle socks",
              "moisture wicking; cushioned sole; arch support; cotton blend; machine wash; breathable mesh",
              "apparel_color; sock_count", (8, 30), "for Men; for Women; Unisex"),
        _kind("necklaces", "Clothing, Shoes & Jewelry › Women › Jewelry › Necklaces › Pendants",
              "Pendant Necklace; Layered Necklace; Charm Necklace", "necklace",
              "a necklace; a pendant necklace; a charm necklace",
              "sterling silver; hypoallergenic; gift box; adjustable strap; lightweight",
              "metal; chain_length", (15, 80), "for Women; for Girls"),
        _kind("baseball caps", "Clothing, Shoes & Jewelry › Men › Accessories › Hats & Caps › Baseball Caps",
              "Baseball Cap; Washed Baseball Cap; Trucker Baseball Cap", "cap",
              "a baseball cap; a cap; a trucker baseball cap",
              "adjustable strap; cotton blend; sun protection; breathable mesh; machine wash; lightweight",
              "apparel_color", (10, 30), "for Men; for Women; Unisex"),
    ),
)

FOOD = Category(
    name="food",
    brands=_split("Hearthstone Pantry; Golden Furrow; Little Orchard; Prairie Table; Copper Kettle; "
                  "Bluebird Farms; Sunnyslope; Riverbend Kitchen; Harvest Moon; Maple Crest; Old Mill; "
                  "Seaside Provisions; Green Acre; Tall Grass; Morning Field; Stonehouse"),
    descriptors=_split("Premium; Classic; Artisan; Small Batch; Original; Homestyle; Gourmet; Hearty; Simple; Farmhouse"),
    attributes=_attributes("""
gluten free | that is gluten free | Made in a dedicated facility without wheat, barley or rye.
non gmo | that's non gmo | Only verified non genetically engineered crops go into each batch.
sugar free | that is sugar free | Sweetened lightly with monk fruit instead of cane.
low carb | that's low carb | Only a few net carbs per serving.
keto friendly | that is keto friendly | Fits neatly into a ketogenic eating plan.
high protein | with high protein | Packs a serious amount of protein into every serving.
dairy free | that is dairy free | Contains no milk, butter or whey.
usda organic | that is usda organic | Grown and processed to certified organic standards.
kosher certified | that is kosher certified | Prepared under rabbinic supervision.
ready to eat | that's ready to eat | Open the pack and enjoy, no cooking needed.
individually wrapped | that comes individually wrapped | Each portion is sealed on its own for lunch boxes and bags.
plant based | that is plant based | Built entirely from plants, beans and grains.
low sodium | with low sodium | Lightly seasoned to keep salt in check.
caffeine free | that is caffeine free | A soothing choice for evenings and bedtime.
whole grain | made with whole grain | Every bite includes the bran, germ and endosperm.
nut free | that's nut free | Produced without peanuts or tree nuts.
shelf stable | that is shelf stable | Keeps in the pantry for months before opening.
resealable bag | in a resealable bag | Zip it closed to keep the rest fresh.
great gift | that makes a great gift | Arrives ready to hand to a friend, teacher or host.
natural flavors | with natural flavors | Flavored with real fruit, herbs and spices.
fair trade | that is fair trade | Sourced from growers who earn a fair price for their crop.
low calorie | that's low calorie | Satisfying with only a handful of calories per serving.
vegan | that is vegan | Nothing from animals goes into it.
high fiber | with high fiber | Rich in fiber to help you feel full for longer.
cold pressed | that is cold pressed | Pressed without heat to keep the flavor bright.
single origin | that is single origin | Every lot comes from one region and one harvest.
"""),
    options=_options("""
roast | flavor name | Light Roast; Medium Roast; Dark Roast; Espresso Roast; French Roast; Breakfast Blend | in {v}; as a {v}
coffee_size | size | 12 Ounce; 2 Pound; 5 Pound | in a {v} bag; that comes in {v}
bar_flavor | flavor name | Chocolate Peanut Butter; Cookie Dough; Salted Caramel; Blueberry Crumble; Lemon Cake; Birthday Cake; Almond Butter | in {v} flavor; with {v} flavor; {v} flavored
snack_count | size | 12 Count; 24 Count; 36 Count; 60 Count | in a {v} box; that comes as {v}
tea_flavor | flavor name | Chamomile; Peppermint; Lemon Ginger; Hibiscus; Rooibos; Lavender Mint; Turmeric Spice | in {v} flavor; with {v} flavor
pasta_shape | style | Penne; Spaghetti; Fusilli; Rotini; Elbows; Rigatoni; Linguine | in the {v} shape; as {v}
pack | size | Pack of 4; Pack of 8; Pack of 12; Pack of 24 | in a {v}; that comes as a {v}
nut_flavor | flavor name | Sea Salt; Honey Roasted; Unsalted; Smoked; Rosemary; Chili Lime | in {v} flavor; {v} flavored
food_size | size | 8 Ounce; 16 Ounce; 32 Ounce; 3 Pound | in a {v} size; that comes in {v}
chocolate_flavor | flavor name | Sea Salt Caramel; Mint Crisp; Orange Zest; Raspberry; Espresso; Toasted Coconut; Pure Cacao | in {v} flavor; with {v} flavor
chip_flavor | flavor name | Sea Salt; Salt and Vinegar; Barbecue; Sour Cream and Onion; Jalapeno; Cracked Pepper | in {v} flavor; {v} flavored
heat | style | Mild; Medium; Extra Hot | in the {v} heat level; rated {v}
sauce_flavor | flavor name | Habanero; Chipotle; Garlic; Mango; Ghost Pepper; Green Chile | in {v} flavor; with {v} flavor
oil_size | size | 16.9 Fl Oz; 25.3 Fl Oz; 33.8 Fl Oz; 101 Fl Oz | in a {v} bottle; that comes in {v}
granola_flavor | flavor name | Maple Pecan; Cinnamon; Dark Cocoa; Vanilla Almond; Cranberry; Peanut Butter | in {v} flavor; with {v} flavor
jerky_flavor | flavor name | Original; Teriyaki; Black Pepper; Sweet and Spicy; Smoked Hickory | in {v} flavor; {v} flavored
water_flavor | flavor name | Lime; Grapefruit; Black Cherry; Watermelon; Lemon; Unflavored | in {v} flavor; {v} flavored
"""),
    intros=_split("""
{brand} started in a family kitchen, and this {head} still follows the recipe we grew up with.;
The {head} from {brand} is what we keep in our own pantry for busy weeks.;
Made in small batches, {brand} {head} tastes the way food did before shortcuts.;
This {head} by {brand} is simple food made carefully, with ingredients you can pronounce.;
From our kitchen to yours, the {brand} {head} brings something good to the table."""),
    closers=_split("""
Store in a cool, dry place and enjoy within a few weeks of opening.;
Perfect for picnics, road trips, office drawers and midnight cravings.;
Every batch is tasted by our team before it ships.;
Packed in a facility that also handles soy and sesame.;
Pairs well with friends, family and a good conversation."""),
    extras=_split("""
TASTE FIRST: We tested dozens of versions before settling on this one.;
PANTRY READY: Sturdy packaging that stacks neatly.;
FAMILY OWNED: Made by a small team that cares about every batch.;
SATISFACTION PROMISE: If you do not love it, tell us and we will make it right."""),
    kinds=(
        _kind("coffee", "Grocery & Gourmet Food › Beverages › Coffee, Tea & Cocoa › Coffee › Whole Coffee Beans",
              "Whole Bean Coffee; Ground Coffee; Coffee Beans", "coffee",
              "some coffee; a bag of coffee beans; ground coffee",
              "usda organic; fair trade; non gmo; kosher certified; single origin; great gift",
              "roast; coffee_size", (9, 40)),
        _kind("protein bars", "Grocery & Gourmet Food › Snack Foods › Bars › Protein Bars",
              "Protein Bars; Protein Snack Bars", "protein; bars",
              "some protein bars; a box of protein bars",
              "high protein; gluten free; low carb; keto friendly; individually wrapped; non gmo; dairy free; high fiber",
              "bar_flavor; snack_count", (14, 45)),
        _kind("herbal tea", "Grocery & Gourmet Food › Beverages › Coffee, Tea & Cocoa › Tea › Herbal",
              "Herbal Tea; Herbal Tea Bags", "tea", "some herbal tea; a box of herbal tea bags",
              "caffeine free; usda organic; non gmo; kosher certified; individually wrapped; natural flavors; fair trade",
              "tea_flavor; snack_count", (5, 22)),
        _kind("pasta", "Grocery & Gourmet Food › Pantry Staples › Pasta & Noodles › Dried Pasta",
              "Pasta; Dried Pasta; Italian Pasta", "pasta", "some pasta; a box of pasta; dried pasta",
              "gluten free; whole grain; non gmo; usda organic; high protein; plant based; kosher certified",
              "pasta_shape; pack", (6, 30)),
        _kind("mixed nuts", "Grocery & Gourmet Food › Snack Foods › Nuts & Seeds › Mixed Nuts",
              "Mixed Nuts; Roasted Mixed Nuts", "mixed; nuts", "some mixed nuts; a bag of roasted mixed nuts",
              "low sodium; non gmo; kosher certified; resealable bag; high protein; keto friendly; gluten free",
              "nut_flavor; food_size", (8, 35)),
        _kind("chocolate", "Grocery & Gourmet Food › Candy & Chocolate › Chocolate › Chocolate Bars",
              "Chocolate Bar; Chocolate Bars; Chocolate Bar Gift Set", "chocolate",
              "some chocolate; a chocolate bar; a few chocolate bars",
              "fair trade; dairy free; usda organic; non gmo; vegan; gluten free; great gift; sugar free; kosher certified",
              "chocolate_flavor; pack", (5, 38)),
        _kind("potato chips", "Grocery & Gourmet Food › Snack Foods › Chips & Crisps › Potato Chips",
              "Potato Chips; Kettle Potato Chips", "potato; chips", "some potato chips; a bag of kettle potato chips",
              "gluten free; non gmo; individually wrapped; low sodium; kosher certified; vegan",
              "chip_flavor; snack_count", (6, 28)),
        _kind("hot sauce", "Grocery & Gourmet Food › Condiments & Salad Dressings › Hot Sauce",
              "Hot Sauce; Hot Sauce Gift Set", "hot; sauce", "a hot sauce; a bottle of hot sauce; a hot sauce gift set",
              "gluten free; sugar free; keto friendly; non gmo; kosher certified; vegan; great gift; low sodium",
              "heat; sauce_flavor", (6, 30)),
        _kind("olive oil", "Grocery & Gourmet Food › Pantry Staples › Cooking & Baking › Oils, Vinegars & Salad Dressings › Oils › Olive",
              "Extra Virgin Olive Oil; Olive Oil", "olive; oil", "some olive oil; a bottle of extra virgin olive oil",
              "cold pressed; usda organic; non gmo; kosher certified; single origin; great gift",
              "oil_size", (9, 45)),
        _kind("granola", "Grocery & Gourmet Food › Breakfast Foods › Cereals › Granola",
              "Granola; Granola Cereal; Clusters Granola", "granola", "some granola; a bag of granola cereal",
              "whole grain; gluten free; high fiber; non gmo; usda organic; plant based; nut free; high protein",
              "granola_flavor; food_size", (5, 24)),
        _kind("beef jerky", "Grocery & Gourmet Food › Snack Foods › Jerky & Dried Meats › Beef Jerky",
              "Beef Jerky; Beef Jerky Strips", "beef; jerky", "some beef jerky; a bag of beef jerky",
              "high protein; low carb; keto friendly; gluten free; resealable bag; individually wrapped; low sodium",
              "jerky_flavor; food_size", (8, 40)),
        _kind("sparkling water", "Grocery & Gourmet Food › Beverages › Bottled Beverages, Water & Drink Mixes › Water › Sparkling Water",
              "Sparkling Water; Sparkling Water Cans", "sparkling; water",
              "some sparkling water; a case of sparkling water",
              "sugar free; caffeine free; natural flavors; low calorie; non gmo; kosher certified",
              "water_flavor; snack_count", (8, 30)),
    ),
)

FURNITURE = Category(
    name="furniture",
    brands=_split("Oakridge; Linden & Co; Hearth House; Maplewood; Brightline; Cobblestone; "
                  "Northgate; Timberlane; Westfield Living; Arbor Row; Quarry Hill; Sable Studio; "
                  "Kettle Creek; Juniper Way; Foxglove; Pinecrest"),
    descriptors=_split("Modern; Classic; Rustic; Farmhouse; Industrial; Contemporary; Minimalist; Scandinavian; Transitional; Compact"),
    attributes=_attributes("""
easy assembly | with easy assembly | Clearly numbered parts and a simple guide get you done in under an hour.
solid wood | made of solid wood | Built from kiln dried solid wood, not particle board.
living room | for the living room | Sized to anchor a living room without crowding it.
dining room | for the dining room | Brings warmth to the dining room for everyday meals and holidays.
home office | for a home office | Made to help a home office feel calm and organized.
storage space | with storage space | Generous room inside for the things that usually clutter a home.
space saving | that is space saving | A slim footprint that fits tight corners and small apartments.
metal frame | with a metal frame | A powder coated steel structure keeps it steady for years.
mid century | in a mid century style | Tapered legs and clean lines nod to the design of the fifties.
wood finish | with a wood finish | A warm grain look that matches most decor.
engineered wood | made of engineered wood | Dense, warp resistant board with a durable laminate.
height adjustable | that is height adjustable | Raise or lower it in seconds to find the right level.
easy clean | that is easy clean | Spills wipe away with a damp cloth.
memory foam | with memory foam | Contours to your body and springs back when you get up.
high density foam | with high density foam | Firm cushioning that does not flatten over time.
non slip | with non slip feet | Rubber pads keep it from sliding on hard floors.
lumbar support | with lumbar support | Curves to support the lower back through long workdays.
heavy duty | that is heavy duty | Rated for a generous weight load.
faux leather | upholstered in faux leather | Soft, wipeable faux leather that resists cracking.
velvet fabric | upholstered in velvet fabric | Plush velvet upholstery with a subtle sheen.
cable management | with cable management | Hidden channels keep cords tidy and out of sight.
swivel seat | with a swivel seat | The seat turns a full circle for easy conversation.
cooling gel | with cooling gel | Gel infused layers draw heat away while you sleep.
pressure relief | with pressure relief | Zoned support eases pressure on shoulders and hips.
usb charging | with usb charging ports | Built in ports charge phones overnight.
"""),
    options=_options(f"""
wood_color | color | Walnut; Espresso; Natural Oak; White; Black; Gray Wash; Rustic Brown; Cherry | {COLOR_ASKS}
upholstery_color | color | Charcoal Gray; Navy Blue; Emerald Green; Cream; Blush Pink; Mustard Yellow; Black; Caramel | {COLOR_ASKS}
tv_size | size | 47 Inch; 55 Inch; 63 Inch; 70 Inch | in the {{v}} size; that is {{v}} wide
tiers | size | 3 Tier; 4 Tier; 5 Tier; 6 Tier | with {{v}}; in the {{v}} size
drawers | style | 1 Drawer; 2 Drawer; 3 Drawer | with {{v}}; in the {{v}} style
stool_height | size | 24 Inch; 26 Inch; 30 Inch | with a {{v}} seat height; in the {{v}} height
desk_width | size | 40 Inch; 47 Inch; 55 Inch; 63 Inch | that is {{v}} wide; in the {{v}} width
bed_size | size | Twin; Full; Queen; King; California King | in {{v}} size; in a {{v}}
chair_style | style | With Armrests; Without Armrests; With Footrest | in the {{v}} style; {{v}}
set_count | size | Set of 2; Set of 4; Set of 6 | as a {{v}}; in a {{v}}
"""),
    intros=_split("""
The {brand} {head} brings order and warmth to a room without taking it over.;
{brand} designed this {head} for homes that work hard: kids, pets, guests and all.;
Sturdy, good looking and easy to live with, the {head} from {brand} earns its place.;
This {head} by {brand} balances clean lines with everyday practicality.;
Built to last through moves and makeovers, the {brand} {head} keeps up with your life."""),
    closers=_split("""
All hardware and tools are included in the box.;
Dimensions and weight limits are listed in the product details.;
Packed in recycled cardboard with corner guards to arrive without scratches.;
Our service team can send replacement parts if anything arrives damaged.;
Wipe with a dry or slightly damp cloth and avoid harsh chemicals."""),
    extras=_split("""
WHAT IS INCLUDED: All parts, hardware and an illustrated guide.;
CAREFUL PACKAGING: Every panel is wrapped to arrive in good shape.;
RESPONSIVE SUPPORT: Missing a screw? We ship replacements quickly.;
VERSATILE LOOK: Suits apartments, houses and dorms alike."""),
    kinds=(
        _kind("tv stand", "Home & Kitchen › Furniture › Living Room Furniture › TV & Media Furniture › Television Stands & Entertainment Centers",
              "TV Stand; TV Stand Console; Entertainment Center TV Stand", "tv; stand",
              "a tv stand; a tv stand console; an entertainment center tv stand",
              "easy assembly; storage space; engineered wood; living room; mid century; metal frame; wood finish; cable management",
              "wood_color; tv_size", (60, 260)),
        _kind("office chair", "Home & Kitchen › Furniture › Home Office Furniture › Home Office Chairs › Desk Chairs",
              "Office Chair; Ergonomic Office Chair; Office Desk Chair", "office; chair",
              "an office chair; an ergonomic office chair; a desk chair for the office",
              "lumbar support; height adjustable; home office; memory foam; faux leather; easy assembly; heavy duty; swivel seat",
              "upholstery_color; chair_style", (60, 280)),
        _kind("bookshelf", "Home & Kitchen › Furniture › Home Office Furniture › Bookcases",
              "Bookshelf; Tall Bookshelf; Open Bookshelf", "bookshelf",
              "a bookshelf; a tall bookshelf; an open bookshelf",
              "storage space; easy assembly; engineered wood; solid wood; metal frame; living room; home office; space saving",
              "wood_color; tiers", (40, 190)),
        _kind("coffee table", "Home & Kitchen › Furniture › Living Room Furniture › Tables › Coffee Tables",
              "Coffee Table; Lift Top Coffee Table; Round Coffee Table", "coffee; table",
              "a coffee table; a lift top coffee table; a round coffee table",
              "living room; storage space; solid wood; engineered wood; metal frame; mid century; easy assembly; easy clean",
              "wood_color", (50, 240)),
        _kind("dining chairs", "Home & Kitchen › Furniture › Kitchen & Dining Room Furniture › Chairs",
              "Dining Chairs; Upholstered Dining Chairs; Kitchen Dining Chairs", "dining; chairs",
              "some dining chairs; a set of dining chairs; upholstered dining chairs",
              "dining room; solid wood; metal frame; easy assembly; faux leather; velvet fabric; mid century; non slip",
              "upholstery_color; set_count", (70, 320)),
        _kind("nightstand", "Home & Kitchen › Furniture › Bedroom Furniture › Nightstands",
              "Nightstand; Bedside Nightstand; Nightstand Table", "nightstand",
              "a nightstand; a bedside nightstand; a small nightstand table",
              "storage space; easy assembly; solid wood; engineered wood; usb charging; mid century; space saving",
              "wood_color; drawers", (35, 170)),
        _kind("bar stools", "Home & Kitchen › Furniture › Kitchen & Dining Room Furniture › Bar Stools",
              "Bar Stools; Counter Bar Stools; Swivel Bar Stools", "bar; stools",
              "some bar stools; a set of bar stools; counter bar stools",
              "height adjustable; faux leather; metal frame; non slip; easy assembly; heavy duty; velvet fabric",
              "upholstery_color; stool_height", (60, 260)),
        _kind("loveseat", "Home & Kitchen › Furniture › Living Room Furniture › Sofas & Couches › Loveseats",
              "Loveseat; Loveseat Sofa; Small Loveseat Couch", "loveseat",
              "a loveseat; a loveseat sofa; a small loveseat couch",
              "living room; space saving; high density foam; easy assembly; velvet fabric; faux leather; solid wood",
              "upholstery_color", (180, 650)),
        _kind("shoe rack", "Home & Kitchen › Storage & Organization › Clothing & Closet Storage › Shoe Organizers › Free Standing Shoe Racks",
              "Shoe Rack; Shoe Rack Organizer; Entryway Shoe Rack", "shoe; rack",
              "a shoe rack; a shoe rack organizer; an entryway shoe rack",
              "space saving; metal frame; easy assembly; storage space; heavy duty; engineered wood; non slip",
              "wood_color; tiers", (20, 90)),
        _kind("computer desk", "Home & Kitchen › Furniture › Home Office Furniture › Home Office Desks",
              "Computer Desk; Writing Computer Desk; Corner Computer Desk", "computer; desk",
              "a computer desk; a writing computer desk; a desk for my computer",
              "home office; easy assembly; metal frame; engineered wood; storage space; space saving; cable management; height adjustable",
              "wood_color; desk_width", (60, 300)),
        _kind("mattress", "Home & Kitchen › Furniture › Bedroom Furniture › Mattresses & Box Springs › Mattresses",
              "Mattress; Hybrid Mattress; Mattress in a Box", "mattress",
              "a mattress; a hybrid mattress; a mattress in a box",
              "memory foam; cooling gel; pressure relief; high density foam; heavy duty",
              "bed_size", (150, 700)),
        _kind("storage ottoman", "Home & Kitchen › Furniture › Living Room Furniture › Ottomans",
              "Storage Ottoman; Storage Ottoman Bench; Ottoman with Storage", "ottoman; storage",
              "a storage ottoman; an ottoman with storage; a storage ottoman bench",
              "living room; faux leather; velvet fabric; easy assembly; heavy duty; space saving",
              "upholstery_color", (30, 140)),
    ),
)

ELECTRONICS = Category(
    name="electronics",
    brands=_split("Voltcraft; Lumora; Sonique; Peakline; Arcwave; Nimbus Tech; Corelink; Bravix; Stratus; "
                  "Quillon; Helix Audio; Tessera; Zentro; Orbitek; Vantage Labs; Kinetica"),
    descriptors=_split("Pro; Ultra; Max; Plus; Lite; Compact; Advanced; Smart; Mini; Elite"),
    attributes=_attributes("""
fast charging | with fast charging | Tops up to half capacity in about thirty minutes.
noise cancelling | with noise cancelling | Active noise cancelling mutes engines, traffic and chatter.
wireless bluetooth | with wireless bluetooth | Pairs over the latest wireless bluetooth standard for a stable link.
high definition | in high definition | Crisp high definition detail in every frame.
long battery life | with a long battery life | Runs for days on a single charge.
easy install | with an easy install | Set up in minutes with the free app and the included screws.
water resistant | that is water resistant | Shrugs off splashes, sweat and light rain.
plug and play | that is plug and play | Works the moment you connect it, no drivers needed.
dual band | with dual band wifi | Broadcasts on 2.4 GHz and 5 GHz at the same time.
hands free | for hands free use | Take calls and ask your assistant without reaching for your phone.
built in microphone | with a built in microphone | Clear voice pickup for calls and meetings.
type c port | with a type c port | Charges and connects through a reversible port.
stereo sound | with stereo sound | Rich, balanced audio across both channels.
touch control | with touch control | Tap and swipe to play, pause and skip.
low latency | with low latency | Audio and video stay in sync for gaming and movies.
braided nylon | with braided nylon | A braided nylon jacket survives thousands of bends.
remote control | that has a remote control | Adjust everything from across the room.
power delivery | with power delivery | Negotiates the right wattage for phones, tablets and laptops.
compact size | in a compact size | Small enough to slip into a pocket or bag.
overcharge protection | with overcharge protection | Smart circuits prevent overheating and overcharging.
night vision | with night vision | Infrared LEDs see clearly in total darkness.
motion detection | with motion detection | Sends an alert the moment movement is spotted.
two way audio | with two way audio | Talk and listen through the built in speaker and mic.
wall mount | with a wall mount | Mounting hardware is included for a clean setup.
led display | with an led display | A small screen shows remaining charge at a glance.
silent click | with silent click | Nearly noiseless buttons for shared spaces.
backlit keys | with backlit keys | Adjustable glow makes typing in the dark easy.
parental controls | with parental controls | Set schedules and filters for every device in the house.
heart rate monitor | with a heart rate monitor | Tracks your pulse around the clock.
sleep tracking | with sleep tracking | Breaks down light, deep and dream sleep each night.
built in gps | with built in gps | Maps runs and rides without carrying a phone.
eye care | with eye care | Flicker free backlight and a low blue light mode.
height adjustable | that is height adjustable | The stand raises, lowers and tilts to suit your posture.
built in speakers | with built in speakers | A pair of small drivers handles system sounds and calls.
"""),
    options=_options(f"""
gadget_color | color | Black; White; Navy Blue; Silver; Rose Gold; Midnight Green; Red; Sky Blue; Space Gray | {COLOR_ASKS}
charger_watt | style | 20W; 30W; 45W; 65W; 100W | in the {{v}} version; rated {{v}}
cable_length | length | 3 ft; 6 ft; 10 ft | that is {{v}} long; in the {{v}} length
pack_count | size | 1 Pack; 2 Pack; 3 Pack; 5 Pack | in a {{v}}; that comes as a {{v}}
camera_style | style | Indoor; Outdoor; Doorbell | in the {{v}} style; for {{v}} use
monitor_size | size | 22 Inch; 27 Inch; 32 Inch; 34 Inch | in the {{v}} size; that is {{v}}
layout | style | Full Size; Tenkeyless; Compact 60 Percent | in the {{v}} layout; with a {{v}} layout
router_speed | style | AX1800; AX3000; AX5400 | in the {{v}} model; rated {{v}}
capacity | style | 10000mAh; 20000mAh; 26800mAh | with {{v}} capacity; in the {{v}} version
watch_size | size | 40mm; 44mm; 46mm | in the {{v}} size; with a {{v}} case
"""),
    intros=_split("""
The {brand} {head} takes the hassle out of the gear you use every day.;
{brand} engineered this {head} around the things people actually complained about in older models.;
Reliable and refreshingly simple, the {head} from {brand} just works.;
This {head} by {brand} packs thoughtful features into a clean, durable design.;
Whether for work, travel or play, the {brand} {head} keeps up."""),
    closers=_split("""
Backed by a two year limited warranty and friendly support.;
Firmware updates arrive automatically to add features over time.;
Tested for thousands of hours in our lab before release.;
Ships with a quick start guide and everything needed to get going.;
Compatible with the phones, tablets and computers most people own."""),
    extras=_split("""
WHAT IS IN THE BOX: The device, a quick start guide and a charging lead.;
WORRY FREE: Two year warranty with a real person on the other end of the line.;
BUILT TO LAST: Drop tested and stress tested in our own lab.;
SIMPLE SETUP: Ready to go in a few minutes."""),
    kinds=(
        _kind("wireless earbuds", "Electronics › Headphones, Earbuds & Accessories › Earbud Headphones",
              "Wireless Earbuds; True Wireless Earbuds; Sport Wireless Earbuds", "earbuds",
              "a pair of wireless earbuds; some wireless earbuds; true wireless earbuds",
              "noise cancelling; wireless bluetooth; long battery life; water resistant; built in microphone; touch control; low latency; fast charging",
              "gadget_color", (18, 150)),
        _kind("headphones", "Electronics › Headphones, Earbuds & Accessories › Over-Ear Headphones",
              "Over Ear Headphones; Foldable Headphones; Headphones", "headphones",
              "a pair of over ear headphones; some headphones; foldable headphones",
              "noise cancelling; wireless bluetooth; long battery life; built in microphone; stereo sound; hands free; low latency",
              "gadget_color", (25, 220)),
        _kind("wall charger", "Electronics › Computers & Accessories › Chargers & Adapters › Wall Chargers",
              "Wall Charger; USB Wall Charger; Charger Block", "charger",
              "a wall charger; a usb wall charger; a charger block",
              "fast charging; power delivery; type c port; compact size; overcharge protection",
              "gadget_color; charger_watt", (10, 55)),
        _kind("charging cable", "Electronics › Computers & Accessories › Cables & Interconnects › USB Cables",
              "Charging Cable; Charging Cable Cord; Braided Cable", "cable",
              "a charging cable; a cable cord; a charger cable",
              "braided nylon; fast charging; power delivery; type c port; overcharge protection",
              "gadget_color; cable_length; pack_count", (6, 25)),
        _kind("bluetooth speaker", "Electronics › Portable Audio & Video › Portable Speakers & Docks › Portable Bluetooth Speakers",
              "Portable Speaker; Bluetooth Speaker; Outdoor Speaker", "speaker",
              "a portable speaker; a bluetooth speaker; an outdoor speaker",
              "water resistant; stereo sound; long battery life; built in microphone; wireless bluetooth; compact size; hands free",
              "gadget_color", (20, 160)),
        _kind("security camera", "Electronics › Camera & Photo › Video Surveillance › Surveillance Cameras › Dome Cameras",
              "Security Camera; Home Security Camera; WiFi Security Camera", "security; camera",
              "a security camera; a home security camera; a wifi security camera",
              "night vision; motion detection; two way audio; easy install; water resistant; high definition; dual band",
              "camera_style; pack_count", (25, 180)),
        _kind("computer monitor", "Electronics › Computers & Accessories › Monitors",
              "Computer Monitor; Monitor; Gaming Monitor", "monitor",
              "a computer monitor; a monitor; a gaming monitor",
              "high definition; eye care; wall mount; low latency; height adjustable; built in speakers",
              "monitor_size", (90, 450)),
        _kind("keyboard", "Electronics › Computers & Accessories › Computer Accessories & Peripherals › Keyboards, Mice & Accessories › Keyboards",
              "Keyboard; Wireless Keyboard; Mechanical Keyboard", "keyboard",
              "a keyboard; a wireless keyboard; a mechanical keyboard",
              "wireless bluetooth; plug and play; long battery life; backlit keys; compact size; silent click",
              "gadget_color; layout", (20, 140)),
        _kind("computer mouse", "Electronics › Computers & Accessories › Computer Accessories & Peripherals › Keyboards, Mice & Accessories › Mice",
              "Wireless Mouse; Ergonomic Mouse; Computer Mouse", "mouse",
              "a wireless mouse; a computer mouse; an ergonomic mouse",
              "plug and play; long battery life; silent click; wireless bluetooth; compact size; type c port",
              "gadget_color", (10, 80)),
        _kind("wifi router", "Electronics › Computers & Accessories › Networking Products › Routers",
              "WiFi Router; Mesh WiFi Router; Gaming WiFi Router", "router",
              "a wifi router; a mesh wifi router; a router",
              "dual band; easy install; parental controls; low latency; wall mount",
              "router_speed; pack_count", (45, 320)),
        _kind("power bank", "Electronics › Computers & Accessories › Chargers & Adapters › Portable Power Banks",
              "Power Bank; Portable Power Bank; Power Bank Charger", "power; bank",
              "a power bank; a portable power bank; a power bank charger",
              "fast charging; power delivery; compact size; type c port; led display; overcharge protection",
              "gadget_color; capacity", (15, 75)),
        _kind("smart watch", "Electronics › Wearable Technology › Smartwatches",
              "Smart Watch; Fitness Smart Watch; Smart Watch Tracker", "smart; watch",
              "a smart watch; a fitness smart watch; a smart watch tracker",
              "heart rate monitor; water resistant; long battery life; sleep tracking; built in gps; touch control",
              "gadget_color; watch_size", (30, 260), "for Men; for Women"),
    ),
)

CATEGORIES = (BEAUTY, FASHION, FOOD, FURNITURE, ELECTRONICS)

# Attributes that contradict each other and never appear on the same product.
EXCLUSIVE = (
    frozenset({"solid wood", "engineered wood"}), frozenset({"velvet fabric", "faux leather"}),
    frozenset({"slim fit", "relaxed fit"}), frozenset({"slim fit", "wide leg"}),
    frozenset({"long sleeve", "short sleeve"}), frozenset({"hand wash", "machine wash"}),
    frozenset({"dry skin", "oily skin"}),
)

OPENERS = (
    "i'm looking for", "i need", "i want", "i would like", "i am looking for", "find me",
    "i want to buy", "can you find me", "i'd like", "help me find", "get me", "i am searching for",
)
