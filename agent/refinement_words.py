"""The words of a follow-up that only changes the shown products ("the same in black", "does it come in grey?",
"gibt es die auch in blau?", "w kolorze niebieskim"): ``intents.own_words`` leaves them out, so a message made of
these, a colour, a price and an audience refines the shown list instead of starting a new search.
"""

from __future__ import annotations

# The words a bare refinement is made of besides colours, prices and sizes ("the same in black", "anything
# cheaper?", "más baratos", "en negro por favor"), and those of "than this one" ("günstiger als dieses", "дешевле
# этого", "billigare än den här", "bundan daha ucuz", "tańsze niż ten"). A message with a word outside these, a
# colour and an audience ("cardigan in beige", "socks in black") names a product of its own and starts a new search.
REFINEMENT_WORDS = frozenset("""
    a an the in on of for with and but or also too same one ones it them these those this that
    what about how do does did you have has got any anything something some show me give see let
    please pls maybe instead just only now ok okay yes no not i want would like prefer need can could get find
    is are there is there's colour color shade tone version light dark pale bright deep off
    cheaper cheap cheapest less expensive lower price prices affordable budget more other others else
    another different next page options under below than max maximum up to at most over above least min
    similar alike look looks style alternative alternatives first second third fourth fifth last item items
    product products option
    minimum dollars dollar euros euro eur usd size sizes xs xl xxl xxxl small medium large
    en el la los las lo un una unos unas mismo misma mismos mismas pero y tambien también qué que tal tienes
    tiene tienen hay algo más mas barato barata baratos baratas menos de del color por favor quiero otro otra
    otros otras con ese esa esos esas este esta estos estas talla
    le les une des même mêmes mais et aussi avez vous plus moins cher chers chère chères couleur autre
    autres ce cette ces du taille
    auf der die das den dem ein eine einen gleiche gleichen aber und auch habt ihr haben sie mehr
    günstiger billiger farbe andere anderen bitte noch größe günstigere günstigeren billigere billigeren
    preiswerter preiswertere zeig zeige zeigen mir wie etwas davon so
    muéstrame muestrame enséñame montre montrez moi
    подешевле дешевле дешевые дешёвые покажи покажите ещё еще другие другой другая такие такой такая же но
    в и а цвете цвета пожалуйста что-нибудь есть можно мне похожие похожий как вот это эти этот эта те
    варианты вариант размер дороже до не рублей
    sotto meno di fino al massimo euro per favore até abaixo no máximo reais por favor onder minder dan tot
    più economici economico economica economiche cari caro cara care altri altre ancora mostrami
    mais barato baratos barata baratas mostre outros outras em
    goedkoper goedkopere goedkoop meer het andere laat zien billigare billiga billigt fler visa
    daha ucuz ucuzu ucuzları tańsze tańszy tańsza tańszego pokaż więcej w أرخص المزيد
    chères chère moins s'il plaît plait quelque chose bon marché abordable abordables
    which cuál cual es qual quale welche welcher welches какой какая какое самый самая самое
    come comes coming available availability they its exist exists there's version versions
    viene vienen existe existen disponible disponibles
    existe-t-il existent-ils il y qu'il est-ce vient viennent
    gibt gibt's es ist sind hat kommt kommen verfügbar erhältlich
    c'è ci sono l'avete avete disponibile disponibili esiste esistono viene vengono
    tem têm existe disponível disponíveis vem
    czy jest są macie kolorze kolor kolorach dostępne dostępna dostępny jest
    olan olanı olanlar olanları renk renkte rengi renkli var mı mi mu mü
    есть бывает имеется
    uno alguno alguna algunos algunas yo me gustaría quisiera prefiero busco necesito puedes podrías mostrar ver
    avez-vous l'avez l'avez-vous l'as vous qualcosa qualcos'altro je iets goedkopers ucuzunu ucuzlarını
    je veux voudrais aimerais j'aimerais préfère préférerais cherche peux pouvez montrer voir en une un
    ich möchte will hätte gern gerne suche brauche kannst könnt können du günstigeres günstigerer billigeres
    billigerer preiswerteres
    хочу хотим хотел хотела хотелось бы такое нужно нужен нужна нужны найди найдите дай дайте такую такого его её ее их
    него нее цвет цветом
    ne voglio vorrei io mi piacerebbe preferisco cerco puoi potresti uno una
    quero queria gostaria eu um uma prefiro procuro pode podes mostrar ver
    ik wil wilt graag zou willen alsjeblieft alstublieft aub een hem haar ze die dat deze kan kun kunt jullie heb
    hebben toon
    jag vill ha tack ett den det dem de kan ni har finns någon något några mig gärna snälla helst
    lütfen bir tane istiyorum isterim olsun bana göster gösterir gösterin bunu bunun bu şu renginde misiniz
    mısınız
    proszę poproszę chcę chciałbym chciałabym mi ją je go to coś jakieś jakiś tańszą tańszej tańszych inne inny
    من فضلك لو سمحت رجاء رجاءً أرجو ممكن أريد أريده أريدها أبغى أبي بدي عايز عايزة أود أحب هل يوجد في عندكم
    عندك لديكم هناك نفس نفسه نفسها لكن بس أو مع هذا هذه هذي ذلك تلك واحد واحدا واحدة شيء شيئا شي أي أرني
    اعرض أعرض أظهر لي أعطني أرخص أقل سعر سعرا ثمن ثمنا أغلى أكثر المزيد غير آخر أخرى لون ألوان مقاس أيضا
    كذلك منه منها عن ماذا ما كيف
    als dieses dieser hier чем этого этой этому этим того той тому тем än här där denna detta dessa
    celui celle ceux celles celui-ci celle-ci celui-là celle-là ceux-ci celles-ci ça cela ceci
    questo questa questi queste quello quella quelli quelle della dello dei delle
    esse essa esses essas isso isto aquele aquela do da dit bundan şundan ondan niż od ten tej tę tego tym
""".split())
